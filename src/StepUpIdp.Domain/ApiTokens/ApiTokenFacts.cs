using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.ApiTokens;

/// <summary>
/// What the token endpoint knows when a relying API exchanges an API token (RFC 8693). Defaults fail
/// closed: token not found, external user.
/// </summary>
public sealed record ApiTokenFacts
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>Whether the presented secret matched a stored token hash.</summary>
    public bool TokenFound { get; init; }

    public bool Revoked { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the token was made: with the policy's <c>apiTokenMaxLifetimeDays</c> in force now, a second end.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The owner's account is locked or disabled.</summary>
    public bool AccountLocked { get; init; }

    /// <summary>The owner's effective role on the exchanging app is guest.</summary>
    public bool IsGuest { get; init; }

    /// <summary>The owner's type for the token's org, decided now (domains may have changed since creation).</summary>
    public UserType UserType { get; init; } = UserType.External;

    /// <summary>The token org's policy in force now, so a rule change applies to tokens already made.</summary>
    public required ExternalUserPolicy Policy { get; init; }

    /// <summary>The org the token was created in.</summary>
    public required string TokenOrg { get; init; }

    /// <summary>The org that owns the client (relying API) asking for the exchange.</summary>
    public required string ClientOrg { get; init; }
}
