namespace StepUpIdp.Domain.People;

/// <summary>
/// The spaces a guest sees on an app, put together from its own guest invitation and its guest groups: a space is
/// read-only only when every grant of it is read-only (a writable grant anywhere wins).
/// </summary>
public static class GuestSpaces
{
    /// <param name="invited">Spaces of the guest invitation (always writable).</param>
    /// <param name="groups">Per guest group: its spaces and which of them are read-only.</param>
    public static (IReadOnlyList<string> Spaces, IReadOnlyList<string> ReadOnly) Combine(
        IReadOnlyList<string> invited, IEnumerable<(IReadOnlyList<string> Spaces, IReadOnlyList<string> ReadOnly)> groups)
    {
        ArgumentNullException.ThrowIfNull(invited);
        ArgumentNullException.ThrowIfNull(groups);
        var spaces = new List<string>(invited);
        var writable = new HashSet<string>(invited, StringComparer.Ordinal);
        var readOnly = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (groupSpaces, groupReadOnly) in groups)
        {
            foreach (var space in groupSpaces)
            {
                if (!spaces.Contains(space, StringComparer.Ordinal))
                {
                    spaces.Add(space);
                }

                if (groupReadOnly.Contains(space, StringComparer.Ordinal))
                {
                    readOnly.Add(space);
                }
                else
                {
                    writable.Add(space);
                }
            }
        }

        return (spaces, spaces.Where(s => readOnly.Contains(s) && !writable.Contains(s)).ToList());
    }
}
