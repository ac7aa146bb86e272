using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Domain.People;

/// <summary>Roles on the org's apps (client id to role) and groups, as an invitation or a change gives them.</summary>
public sealed record Assignments(IReadOnlyDictionary<string, AppRole> Roles, IReadOnlyList<string> Groups);

/// <summary>
/// Checks an invitation of people to an organisation (<c>POST /api/orgs/{org}/users</c>) and a change of someone's
/// roles and groups: at most <see cref="MaxAddresses"/> plausible, distinct addresses; roles <c>user</c> or
/// <c>admin</c> on the org's own apps (guests come from guest invitations and guest groups); the org's own groups.
/// Accepted or refused whole.
/// </summary>
public static class UserInvitationRules
{
    public const int MaxAddresses = 10;

    public static class Fields
    {
        public const string Emails = "emails";
        public const string Roles = "roles";
        public const string Groups = "groups";
    }

    public static (IReadOnlyList<string> Emails, FieldErrors Errors) ValidateEmails(IReadOnlyList<string?>? emails)
    {
        var errors = new FieldErrors();
        var trimmed = (emails ?? []).Select(e => e?.Trim() ?? string.Empty).ToList();
        if (trimmed.Count == 0)
        {
            errors.Add(Fields.Emails, "Enter at least one email address.");
        }
        else if (trimmed.Count > MaxAddresses)
        {
            errors.Add(Fields.Emails, $"Invite at most {MaxAddresses} people at a time; this invitation has {trimmed.Count}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var email in trimmed)
        {
            if (!EmailAddress.IsPlausible(email))
            {
                errors.Add(Fields.Emails, email.Length == 0 ? "One of the email addresses is empty." : $"\"{email}\" does not look like an email address.");
            }
            else if (!seen.Add(EmailAddress.Normalize(email)))
            {
                errors.Add(Fields.Emails, $"\"{email}\" is listed more than once.");
            }
        }

        // The canonical form (domain in lower-case ASCII): both spellings of an IDN address are one person.
        return (trimmed.Select(EmailAddress.Canonical).ToList(), errors);
    }

    /// <param name="roles">Client id to role name, as sent.</param>
    /// <param name="groups">Group ids, as sent.</param>
    /// <param name="orgApps">The org's apps (client ids).</param>
    /// <param name="orgGroups">The org's groups (ids).</param>
    public static Assignments ValidateAssignments(IReadOnlyDictionary<string, string?>? roles, IReadOnlyList<string?>? groups,
        IReadOnlySet<string> orgApps, IReadOnlySet<string> orgGroups, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(orgApps);
        ArgumentNullException.ThrowIfNull(orgGroups);
        ArgumentNullException.ThrowIfNull(errors);
        var parsed = new Dictionary<string, AppRole>(StringComparer.Ordinal);
        foreach (var (app, name) in roles ?? new Dictionary<string, string?>())
        {
            if (!orgApps.Contains(app))
            {
                errors.Add(Fields.Roles, $"\"{app}\" is not an app of this organisation.");
            }
            else if (!AppRoleNames.TryParse(name, out var role) || role == AppRole.Guest)
            {
                errors.Add(Fields.Roles, $"The role on {app} must be \"user\" or \"admin\" (guests are invited as guests, or added to a guest group).");
            }
            else
            {
                parsed[app] = role;
            }
        }

        var ids = new List<string>();
        foreach (var group in groups ?? [])
        {
            if (group is null || !orgGroups.Contains(group))
            {
                errors.Add(Fields.Groups, $"\"{group}\" is not a group of this organisation.");
            }
            else if (!ids.Contains(group, StringComparer.Ordinal))
            {
                ids.Add(group);
            }
        }

        return new Assignments(parsed, ids);
    }
}
