using StepUpIdp.Domain.Accounts;
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
}
