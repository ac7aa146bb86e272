using StepUpIdp.Server.Guests;

namespace StepUpIdp.Server.Users;

/// <summary>What became of an admin's change to a person or a group. Nothing is written unless it is <see cref="Done"/>.</summary>
public abstract record PersonOutcome
{
    private PersonOutcome()
    {
    }

    public sealed record Done : PersonOutcome;

    /// <summary>No such person (or group, or membership) in the organisation; <paramref name="What"/> names it for the answer.</summary>
    public sealed record NotFound(string What = NotFound.Person) : PersonOutcome
    {
        public const string Person = "A person with this id in this organisation";
        public const string Group = "A group with this id in this organisation";
        public const string Membership = "This person as a member of this group";
    }

    /// <summary>Errors keyed by the JSON field of the request.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : PersonOutcome;

    /// <summary>The action reaches the whole account, which the org does not manage (docs/security.md).</summary>
    public sealed record NotManaged : PersonOutcome;

    /// <summary>The change would make new guests past the org's guest allowance.</summary>
    public sealed record OverAllowance(InvitationOutcome.OverAllowance Refusal) : PersonOutcome;
}
