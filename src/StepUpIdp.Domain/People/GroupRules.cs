using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Domain.People;

/// <summary>A role a group gives on one app; a guest role names the app's spaces, some of which may be read-only.</summary>
public sealed record GroupRole(string AppClientId, AppRole Role, IReadOnlyList<string> Spaces, IReadOnlyList<string> ReadOnlySpaces);

/// <summary>A role as sent: app, role name, spaces, read-only spaces.</summary>
public sealed record GroupRoleRequest(string? App, string? Role, IReadOnlyList<string?>? Spaces, IReadOnlyList<string?>? ReadOnlySpaces);

/// <summary>
/// Checks a group's name and roles (docs/admin-guide.md, "Groups"): a name of 1 to 100 characters, unique in the org;
/// at most one role per app of the org; a guest role gives at least one of the app's spaces, and its read-only spaces
/// are among them; a user or admin role gives no spaces.
/// </summary>
public static class GroupRules
{
    public const int MaxNameLength = 100;

    public static string? ValidateName(string? name, IEnumerable<string> otherNames, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            errors.Add("name", "Give the group a name.");
            return null;
        }

        if (trimmed.Length > MaxNameLength || Audit.DisplayNames.HasHiddenCharacters(trimmed))
        {
            errors.Add("name", $"A name has at most {MaxNameLength} characters and no control or invisible formatting characters.");
            return null;
        }

        if (otherNames.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("name", $"This organisation already has a group named \"{trimmed}\".");
            return null;
        }

        return trimmed;
    }

    /// <param name="appSpaces">The org's apps (client id) with their space keys.</param>
    public static IReadOnlyList<GroupRole> ValidateRoles(IReadOnlyList<GroupRoleRequest?>? roles,
        IReadOnlyDictionary<string, IReadOnlySet<string>> appSpaces, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(appSpaces);
        ArgumentNullException.ThrowIfNull(errors);
        var result = new List<GroupRole>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = roles ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"roles[{i}]";
            var request = list[i];
            if (request?.App is not { } app || !appSpaces.TryGetValue(app, out var spacesOfApp))
            {
                errors.Add($"{field}.app", $"\"{request?.App}\" is not an app of this organisation.");
                continue;
            }

            if (!seen.Add(app))
            {
                errors.Add($"{field}.app", $"A group has one role per app; {app} is listed twice.");
                continue;
            }

            if (!AppRoleNames.TryParse(request.Role, out var role))
            {
                errors.Add($"{field}.role", "Choose guest, user or admin.");
                continue;
            }

            var spaces = (request.Spaces ?? []).Select(s => s?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
            var readOnly = (request.ReadOnlySpaces ?? []).Select(s => s?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
            if (role != AppRole.Guest)
            {
                if (spaces.Count > 0 || readOnly.Count > 0)
                {
                    errors.Add($"{field}.spaces", "Only a guest role gives spaces; a user or admin sees what the app shows its users.");
                    continue;
                }

                result.Add(new GroupRole(app, role, [], []));
                continue;
            }

            var before = errors.Count;
            if (spaces.Count == 0)
            {
                errors.Add($"{field}.spaces", "A guest role gives at least one space: a guest with no space cannot sign in.");
            }

            foreach (var space in spaces.Where(s => !spacesOfApp.Contains(s)))
            {
                errors.Add($"{field}.spaces", $"\"{space}\" is not a space of {app}.");
            }

            foreach (var space in readOnly.Where(s => !spaces.Contains(s, StringComparer.Ordinal)))
            {
                errors.Add($"{field}.readOnlySpaces", $"\"{space}\" is not one of the spaces this role gives.");
            }

            if (errors.Count == before)
            {
                result.Add(new GroupRole(app, role, spaces, readOnly));
            }
        }

        return result;
    }
}
