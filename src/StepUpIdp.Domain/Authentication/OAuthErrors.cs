namespace StepUpIdp.Domain.Authentication;

/// <summary>OAuth 2.0 and OpenID Connect error codes the domain's decisions answer with.</summary>
public static class OAuthErrors
{
    /// <summary>RFC 6749 section 4.1.2.1.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>RFC 6749 section 5.2; also used for refused token exchanges (RFC 8693 section 2.2.2).</summary>
    public const string InvalidGrant = "invalid_grant";

    /// <summary>RFC 6749 section 4.1.2.1.</summary>
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    /// <summary>OIDC Core 3.1.2.6: prompt=none, but the user must sign in.</summary>
    public const string LoginRequired = "login_required";

    /// <summary>OIDC Core 3.1.2.6: prompt=none, but the user must do something (here: verify or enrol).</summary>
    public const string InteractionRequired = "interaction_required";

    /// <summary>OpenID Connect Core Error Code unmet_authentication_requirements 1.0: the requested acr cannot be met.</summary>
    public const string UnmetAuthenticationRequirements = "unmet_authentication_requirements";
}
