using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.ApiTokens;

/// <summary>
/// The rules an API token must pass at every exchange and at creation. They are
/// checked against the policy in force now, so a rule change applies at once to tokens already made.
/// </summary>
public static class ApiTokenRules
{
    /// <summary>Checks in a fixed order and answers with the first rule that refuses.</summary>
    public static ApiTokenDecision CheckExchange(ApiTokenFacts facts)
    {
        if (!facts.TokenFound)
        {
            // Say nothing about why: the caller may be guessing secrets.
            return Refuse(ApiTokenRuleCodes.Unknown, "The API token is not valid.");
        }

        // Right after the secret: another org's client learns nothing of the token's state or its owner (revoked,
        // expired, locked, guest, blocked) in an org that is not its own.
        if (!string.Equals(facts.TokenOrg, facts.ClientOrg, StringComparison.Ordinal))
        {
            return Refuse(ApiTokenRuleCodes.OrgMismatch, "The API token belongs to another organisation.");
        }

        if (facts.Revoked)
        {
            return Refuse(ApiTokenRuleCodes.Revoked, "The API token has been revoked.");
        }

        if (facts.Now >= facts.ExpiresAt)
        {
            return Refuse(ApiTokenRuleCodes.Expired, "The API token has expired.");
        }

        // A maximum lowered after creation applies to tokens already made, like every other rule.
        if (facts.Now >= facts.CreatedAt.AddDays(facts.Policy.ApiTokenMaxLifetimeDays))
        {
            return Refuse(ApiTokenRuleCodes.Lifetime,
                $"The API token is older than the {facts.Policy.ApiTokenMaxLifetimeDays} days this organisation now allows.");
        }

        if (facts.AccountLocked)
        {
            return Refuse(ApiTokenRuleCodes.AccountLocked, "The account that owns the API token is locked.");
        }

        if (facts.IsGuest)
        {
            return Refuse(ApiTokenRuleCodes.Guest, "Guests cannot use API tokens.");
        }

        if (facts.UserType == UserType.External && facts.Policy.ApiTokens == ApiTokenAccess.Block)
        {
            return Refuse(ApiTokenRuleCodes.ExternalBlocked, "The organisation blocks API tokens for external users.");
        }

        return new ApiTokenDecision.Allowed();
    }

    /// <summary>When a token stops working under <paramref name="policy"/>: its own expiry, or sooner under a lowered maximum.</summary>
    public static DateTimeOffset EndOf(DateTimeOffset createdAt, DateTimeOffset expiresAt, ExternalUserPolicy policy)
    {
        var byPolicy = createdAt.AddDays(policy.ApiTokenMaxLifetimeDays);
        return byPolicy < expiresAt ? byPolicy : expiresAt;
    }

    /// <summary>
    /// The lifetime asked for a new token: from 1 day to the org's <c>apiTokenMaxLifetimeDays</c>.
    /// </summary>
    /// <remarks>
    /// The maximum sits in the external-user policy, but the API-token rules say a token's lifetime
    /// is "≤ the org's apiTokenMaxLifetimeDays" for any account. We apply it to every account of the org,
    /// internal ones included: an admin who sets 30 days expects no token in the org to live longer, and a
    /// narrower reading would let the org's own staff hold the longest-lived credentials. Callers still pass
    /// <paramref name="type"/> so the call states who asks; the limit does not depend on it.
    /// </remarks>
    public static ApiTokenDecision CheckLifetime(int days, ExternalUserPolicy policy, UserType type)
    {
        var max = policy.ApiTokenMaxLifetimeDays;
        if (days >= ExternalUserPolicy.MinApiTokenLifetimeDays && days <= max)
        {
            return new ApiTokenDecision.Allowed();
        }

        return Refuse(
            ApiTokenRuleCodes.Lifetime,
            max == 1
                ? "An API token can last 1 day at most in this organisation."
                : $"Choose a lifetime from 1 to {max} days, the longest this organisation allows.");
    }

    /// <summary>
    /// Whether an account may create a token at all, then its lifetime. Refuses up front what an exchange
    /// would refuse anyway (guests; external users while the org blocks their tokens), so nobody is handed
    /// a secret that cannot work.
    /// </summary>
    public static ApiTokenDecision CheckCreation(int days, ExternalUserPolicy policy, UserType type, bool isGuest)
    {
        if (isGuest)
        {
            return Refuse(ApiTokenRuleCodes.Guest, "Guests cannot use API tokens.");
        }

        if (type == UserType.External && policy.ApiTokens == ApiTokenAccess.Block)
        {
            return Refuse(ApiTokenRuleCodes.ExternalBlocked, "The organisation blocks API tokens for external users.");
        }

        return CheckLifetime(days, policy, type);
    }

    private static ApiTokenDecision.Refused Refuse(string rule, string description) => new(rule, description);
}
