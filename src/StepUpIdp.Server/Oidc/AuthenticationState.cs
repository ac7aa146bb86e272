using StepUpIdp.Domain.Authentication;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// How and when the person proved who they are, as carried into tokens: <c>auth_time</c>, <c>amr</c>,
/// <c>acr</c> and, for a counting one-time-passcode verification, <c>verified_at</c>/<c>reverify_at</c>; and the
/// sign-in session it all comes from (<c>sid</c>), whose end ends the tokens too (docs/sessions.md).
/// </summary>
public sealed record AuthenticationState(
    DateTimeOffset AuthTime,
    IReadOnlyList<string> Methods,
    AcrLevel Acr,
    DateTimeOffset? VerifiedAt = null,
    DateTimeOffset? ReverifyAt = null,
    string? SessionId = null,
    bool OfflineSession = false);
