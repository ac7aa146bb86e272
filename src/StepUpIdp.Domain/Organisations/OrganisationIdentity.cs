namespace StepUpIdp.Domain.Organisations;

/// <summary>
/// What an organisation is called. Its id appears in tokens (<c>org</c>) and addresses (<c>/admin/acme</c>), so it is a
/// lower-case slug: ASCII letters and digits with inner hyphens, 2 to 64 characters. Its name is free text for people.
/// </summary>
public static class OrganisationIdentity
{
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 200;

    public static bool IsValidId(string? id) =>
        id is { Length: >= 2 and <= MaxIdLength }
        && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && id[0] != '-' && id[^1] != '-' && !id.Contains("--", StringComparison.Ordinal);

    public static bool IsValidName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= MaxNameLength && !Audit.DisplayNames.HasHiddenCharacters(name);
}
