namespace StepUpIdp.Domain.ApiTokens;

/// <summary>The outcome of an API-token rule check. The hierarchy is closed.</summary>
public abstract record ApiTokenDecision
{
    private ApiTokenDecision()
    {
    }

    public sealed record Allowed : ApiTokenDecision;

    /// <param name="Rule">A stable code from <see cref="ApiTokenRuleCodes"/>, for the audit log.</param>
    /// <param name="Description">The <c>error_description</c> the token endpoint sends with <c>invalid_grant</c>; it names the rule.</param>
    public sealed record Refused(string Rule, string Description) : ApiTokenDecision;
}

/// <summary>Stable codes of the API-token rules, written to the audit log. Do not change them.</summary>
public static class ApiTokenRuleCodes
{
    public const string Unknown = "unknown_token";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string AccountLocked = "account_locked";
    public const string Guest = "guest";
    public const string ExternalBlocked = "external_blocked";
    public const string OrgMismatch = "org_mismatch";
    public const string Lifetime = "lifetime";
}
