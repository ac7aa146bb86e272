using StepUpIdp.Domain.People;

namespace StepUpIdp.Domain.Guests;

/// <summary>The outcome of checking a guest invitation. The hierarchy is closed.</summary>
public abstract record GuestInvitationValidation
{
    private GuestInvitationValidation()
    {
    }

    /// <param name="Emails">The addresses in canonical form (<see cref="Accounts.EmailAddress.Canonical"/>), in the order given.</param>
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
    public const int MaxEmailsPerInvitation = UserInvitationRules.MaxAddresses;

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
        // The same address rule as an invitation of members: up to ten plausible, distinct addresses.
        var (trimmed, errors) = UserInvitationRules.ValidateEmails(emails);

        // A guest with no space cannot sign in, so an invitation must give one.
        if (spaces.Count == 0)
        {
            errors.Add(Fields.Spaces, "Choose at least one space the guests may see.");
        }

        var seenSpaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var space in spaces)
        {
            if (space is null || !appSpaces.Contains(space))
            {
                errors.Add(Fields.Spaces, $"\"{space}\" is not a space of this app.");
            }
            else if (!seenSpaces.Add(space))
            {
                errors.Add(Fields.Spaces, $"\"{space}\" is listed more than once.");
            }
        }

        if (expiresAt is { } expiry && expiry <= now)
        {
            errors.Add(Fields.ExpiresAt, "The access end date must be in the future.");
        }

        if (errors.Count > 0)
        {
            return new GuestInvitationValidation.Invalid(errors.ToDictionary());
        }

        return new GuestInvitationValidation.Valid(trimmed, spaces.ToArray(), expiresAt);
    }
}
