namespace StepUpIdp.Server.Oidc;

/// <summary>The claims that tie tokens to the sign-in session they come from (docs/sessions.md).</summary>
internal static class SessionClaims
{
    /// <summary>The session id (OIDC Back-Channel Logout 1.0): in ID tokens, codes and refresh tokens.</summary>
    public const string SessionId = "sid";

    /// <summary>Marks a code or refresh token from an offline session; it never leaves the IdP.</summary>
    public const string OfflineSession = "stepup_offline_session";
}
