namespace StepUpIdp.Domain.Guests;

/// <summary>The outcome of checking a change to one guest. The hierarchy is closed.</summary>
public abstract record GuestChangeValidation
{
    private GuestChangeValidation()
    {
    }

    public sealed record Valid(IReadOnlyList<string> Spaces, DateTimeOffset? ExpiresAt) : GuestChangeValidation;

    /// <summary>Errors keyed by the JSON field (<c>spaces</c>, <c>expiresAt</c>).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : GuestChangeValidation;
}

/// <summary>
/// Checks <c>PUT /api/orgs/{org}/apps/{app}/guests/{id}</c>. Unlike an invitation, a change
/// may leave no space: the guest stays on the list and cannot sign in until an admin gives one back.
/// </summary>
public static class GuestChangeRules
{
    public static GuestChangeValidation Validate(
        IReadOnlyList<string>? spaces,
        IReadOnlySet<string> appSpaces,
        DateTimeOffset? expiresAt,
        bool expiresAtGiven,
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

        if (spaces is null)
        {
            Add(GuestInvitationRules.Fields.Spaces, "Give the guest's spaces: a list, empty to take every space away.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var space in spaces)
            {
                if (space is null || !appSpaces.Contains(space))
                {
                    Add(GuestInvitationRules.Fields.Spaces, $"\"{space}\" is not a space of this app.");
                }
                else if (!seen.Add(space))
                {
                    Add(GuestInvitationRules.Fields.Spaces, $"\"{space}\" is listed more than once.");
                }
            }
        }

        if (expiresAtGiven && expiresAt is { } expiry && expiry <= now)
        {
            Add(GuestInvitationRules.Fields.ExpiresAt, "The access end date must be in the future.");
        }

        return errors.Count > 0
            ? new GuestChangeValidation.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal))
            : new GuestChangeValidation.Valid(spaces!.ToArray(), expiresAt);
    }
}
