using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Domain.Policy;

/// <summary>Who a policy is resolved for: one account, classified for the organisation.</summary>
public sealed record PolicySubject(string AccountId, string Email, UserType UserType);

/// <summary>
/// The one answer to "which of the organisation's policies is in force for this person?" (docs/external-policies.md):
/// the pilot when the account is in it, else the domain policy listing the email's domain, else the default policy.
/// Decided for the person, never for the app. Internal users get the default policy (it does not apply to them,
/// but its API-token lifetime does).
/// </summary>
public static class ExternalPolicyResolver
{
    public static ScopedExternalPolicy Resolve(OrganisationPolicies policies, PolicySubject subject)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.UserType != UserType.External)
        {
            return policies.Default;
        }

        var pilot = policies.Named.FirstOrDefault(p => p.Scope == ExternalPolicyScope.Pilot
            && p.PilotAccounts.Any(a => string.Equals(a.AccountId, subject.AccountId, StringComparison.Ordinal)));
        if (pilot is not null)
        {
            return pilot;
        }

        var domain = EmailAddress.DomainOf(subject.Email);
        var byDomain = domain is null
            ? null
            : policies.Named.FirstOrDefault(p => p.Scope == ExternalPolicyScope.Domains
                && p.Domains.Any(d => string.Equals(d, domain, StringComparison.OrdinalIgnoreCase)));
        return byDomain ?? policies.Default;
    }
}
