using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Server.Tenancy;

/// <summary>What the IdP knows of one account acting on one app, at the moment it is asked.</summary>
public sealed record SubjectFacts(
    string AccountId,
    string Email,
    string Name,
    UserType UserType,
    AppRole? Role,
    bool EmailVerified,
    bool IsLocked)
{
    public bool IsGuest => Role == AppRole.Guest;

    /// <summary>Guests only: the space keys assigned on the app. Empty for everyone else.</summary>
    public IReadOnlyList<string> Spaces { get; init; } = [];

    /// <summary>Guests only: the spaces of <see cref="Spaces"/> it may only read (from read-only guest-group spaces).</summary>
    public IReadOnlyList<string> ReadOnlySpaces { get; init; } = [];

    /// <summary>Guests only: when the guest's access to the app ends, if an end was set.</summary>
    public DateTimeOffset? GuestAccessEndsAt { get; init; }

    /// <summary>Whether the account has an authenticator app (TOTP) enrolled.</summary>
    public bool HasAuthenticator { get; init; }

    /// <summary>
    /// The org's policy in force for this person (<see cref="ExternalPolicyResolver"/>): pilot, domain policy or default.
    /// Internal users get the default one, which does not apply to them.
    /// </summary>
    public required ScopedExternalPolicy ExternalPolicy { get; init; }

    /// <summary>Whether the external-user policy applies to this person on an app (docs/external-policies.md).</summary>
    public bool PolicyAppliesOn(Domain.Policy.AppEnforcement app) => ExternalPolicy.Policy.AppliesTo(UserType, app);
}
