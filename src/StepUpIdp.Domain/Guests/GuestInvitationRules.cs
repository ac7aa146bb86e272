using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Domain.Guests;

/// <summary>The outcome of checking a guest invitation. The hierarchy is closed.</summary>
public abstract record GuestInvitationValidation
{
    private GuestInvitationValidation()
    {
    }

    /// <param name="Emails">The addresses, trimmed, in the order given.</param>
    /// <param name="Spaces">The space keys, in the order given.</param>
    public sealed record Valid(IReadOnlyList<string> Emails, IReadOnlyList<string> Spaces, DateTimeOffset? ExpiresAt)
        : GuestInvitationValidation;

    /// <summary>Errors keyed by the JSON field of the invitation (<c>emails</c>, <c>spaces</c>, <c>expiresAt</c>).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : GuestInvitationValidation;
}

/// <summary>
/// Checks <c>POST /api/orgs/{org}/apps/{app}/guests</c>. An invitation is
/// accepted or refused whole; the guest allowance is checked separately by <see cref="GuestAllowance"/>.
/// </summary>
public static class GuestInvitationRules
{
    public const int MaxEmailsPerInvitation = 10;

    public static class Fields
    {
        public const string Emails = "emails";
        public const string Spaces = "spaces";
        public const string ExpiresAt = "expiresAt";
    }

    public static GuestInvitationValidation Validate(
        IReadOnlyList<string> emails,
        IReadOnlyList<string> spaces,
        IReadOnlySet<string> appSpaces,
        DateTimeOffset? expiresAt,
        DateTimeOffset now)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        var trimmed = emails.Select(e => e?.Trim() ?? string.Empty).ToArray();
        if (trimmed.Length == 0)
        {
            Add(Fields.Emails, "Enter at least one email address.");
        }
        else if (trimmed.Length > MaxEmailsPerInvitation)
        {
            Add(Fields.Emails, $"Invite at most {MaxEmailsPerInvitation} people at a time; this invitation has {trimmed.Length}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var email in trimmed)
        {
            if (!EmailAddress.IsPlausible(email))
            {
                Add(Fields.Emails, email.Length == 0 ? "One of the email addresses is empty." : $"\"{email}\" does not look like an email address.");
            }
            else if (!seen.Add(EmailAddress.Normalize(email)))
            {
                Add(Fields.Emails, $"\"{email}\" is listed more than once.");
            }
        }

        // A guest with no space cannot sign in, so an invitation must give one.
        if (spaces.Count == 0)
        {
            Add(Fields.Spaces, "Choose at least one space the guests may see.");
        }

        var seenSpaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var space in spaces)
        {
            if (space is null || !appSpaces.Contains(space))
            {
                Add(Fields.Spaces, $"\"{space}\" is not a space of this app.");
            }
            else if (!seenSpaces.Add(space))
            {
                Add(Fields.Spaces, $"\"{space}\" is listed more than once.");
            }
        }

        if (expiresAt is { } expiry && expiry <= now)
        {
            Add(Fields.ExpiresAt, "The access end date must be in the future.");
        }

        if (errors.Count > 0)
        {
            return new GuestInvitationValidation.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        return new GuestInvitationValidation.Valid(trimmed, spaces.ToArray(), expiresAt);
    }
}
