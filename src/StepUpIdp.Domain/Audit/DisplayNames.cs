using System.Globalization;

namespace StepUpIdp.Domain.Audit;

/// <summary>
/// The one rule for names people give things (apps, groups, organisations, API tokens), which reappear in pages, emails
/// and audit lines: no control characters (a line break could forge an audit line) and no invisible formatting ones,
/// such as the bidirectional overrides that make <c>\u202Egnp.exe</c> read as <c>exe.png</c> (docs/admin-guide.md).
/// </summary>
public static class DisplayNames
{
    public static bool HasHiddenCharacters(string name) =>
        name.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format);
}
