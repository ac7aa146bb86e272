namespace StepUpIdp.Infrastructure.Redis.Sessions;

/// <summary>
/// One OIDC Back-Channel Logout 1.0 message to deliver: which app, where, and for which session (docs/sessions.md).
/// The logout token is signed when it is sent, so a retry carries a fresh <c>iat</c> and <c>jti</c>.
/// </summary>
public sealed record LogoutDelivery(
    string Id,
    string Issuer,
    string ClientId,
    string Uri,
    string Subject,
    string SessionId,
    int Attempts,
    DateTimeOffset QueuedAt);
