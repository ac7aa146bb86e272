using StepUpIdp.Domain.Organisations;

namespace StepUpIdp.Domain.Policy;

/// <summary>The outcome of validating a named policy: the policy to store, or field-level errors. Closed.</summary>
public abstract record ScopedPolicyValidation
{
    private ScopedPolicyValidation()
    {
    }

    public sealed record Valid(ScopedExternalPolicy Policy) : ScopedPolicyValidation;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ScopedPolicyValidation;
}

/// <summary>
/// Checks a named policy sent by an admin against the organisation's other policies (docs/external-policies.md):
/// its fields as any policy's, a name, and either 1 to 20 domains that are in no other policy and are not the
/// organisation's own verified domains, or up to 5 pilot accounts that are external users of the organisation;
/// at most 20 domain policies and one pilot. Every error is reported at once; nothing is half-accepted.
/// </summary>
public static class ScopedExternalPolicyValidator
{
    public const int MaxNameLength = 100;

    /// <param name="id">The policy's id: the one being replaced, or the one a new policy will get.</param>
    /// <param name="current">The organisation's policies as stored (the one being replaced included).</param>
    /// <param name="verifiedDomains">The organisation's verified domains: their people are internal.</param>
    /// <param name="externalUsers">The organisation's external users, who alone may be in the pilot.</param>
    public static ScopedPolicyValidation Validate(ScopedExternalPolicyDocument? document, string id, OrganisationPolicies current,
        IEnumerable<string> verifiedDomains, IReadOnlyList<PilotAccount> externalUsers)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(externalUsers);
        if (document is null)
        {
            return new ScopedPolicyValidation.Invalid(new Dictionary<string, string[]> { ["$"] = ["Send the whole policy as a JSON object."] });
        }

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        ExternalUserPolicy? policy = null;
        switch (ExternalUserPolicyValidator.Validate(document.ToPolicyDocument()))
        {
            case ExternalUserPolicyValidation.Valid valid:
                policy = valid.Policy;
                break;
            case ExternalUserPolicyValidation.Invalid invalid:
                foreach (var (field, messages) in invalid.Errors)
                {
                    foreach (var message in messages)
                    {
                        Add(field, message);
                    }
                }

                break;
        }

        var name = document.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            Add(ScopedExternalPolicyDocument.Fields.Name, $"Give the policy a name of 1 to {MaxNameLength} characters.");
        }

        var others = current.Named.Where(p => !string.Equals(p.Id, id, StringComparison.Ordinal)).ToList();
        var scope = ExternalPolicyScope.Domains;
        var domains = new List<string>();
        var pilot = new List<PilotAccount>();
        if (document.Domains is not null && document.PilotAccounts is not null)
        {
            Add(ScopedExternalPolicyDocument.Fields.Domains, "Give either domains (a domain policy) or pilotAccounts (the pilot), not both.");
            Add(ScopedExternalPolicyDocument.Fields.PilotAccounts, "Give either domains (a domain policy) or pilotAccounts (the pilot), not both.");
        }
        else if (document.Domains is null && document.PilotAccounts is null)
        {
            Add(ScopedExternalPolicyDocument.Fields.Domains, "Give the email domains this policy is for, or pilotAccounts to make it the pilot.");
        }
        else if (document.Domains is { } domainTexts)
        {
            CheckDomains(domainTexts, others, verifiedDomains.ToHashSet(StringComparer.OrdinalIgnoreCase), domains, Add);
            if (others.Count(p => p.Scope == ExternalPolicyScope.Domains) >= OrganisationPolicies.MaxDomainPolicies)
            {
                Add("$", $"An organisation has at most {OrganisationPolicies.MaxDomainPolicies} domain policies besides its default policy and its pilot.");
            }
        }
        else
        {
            scope = ExternalPolicyScope.Pilot;
            CheckPilot(document.PilotAccounts!, others, externalUsers, pilot, Add);
        }

        if (errors.Count > 0 || policy is null)
        {
            return new ScopedPolicyValidation.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        return new ScopedPolicyValidation.Valid(new ScopedExternalPolicy(id, name!, scope, policy) { Domains = domains, PilotAccounts = pilot });
    }

    private static void CheckDomains(IReadOnlyList<string?> texts, List<ScopedExternalPolicy> others, HashSet<string> verifiedDomains,
        List<string> domains, Action<string, string> add)
    {
        const string field = ScopedExternalPolicyDocument.Fields.Domains;
        if (texts.Count == 0)
        {
            add(field, $"List 1 to {OrganisationPolicies.MaxDomainsPerPolicy} email domains.");
            return;
        }

        if (texts.Count > OrganisationPolicies.MaxDomainsPerPolicy)
        {
            add(field, $"A policy lists at most {OrganisationPolicies.MaxDomainsPerPolicy} domains; this one lists {texts.Count}.");
        }

        foreach (var text in texts)
        {
            var domain = DomainVerification.Normalize(text);
            if (domain is null)
            {
                add(field, $"\"{text}\" is not a domain name such as partner.example.");
            }
            else if (domains.Contains(domain))
            {
                add(field, $"\"{domain}\" is listed more than once.");
            }
            else if (verifiedDomains.Contains(domain))
            {
                add(field, $"\"{domain}\" is a verified domain of this organisation: its people are internal, and external-user policies do not apply to them.");
            }
            else if (others.FirstOrDefault(p => p.Domains.Contains(domain, StringComparer.OrdinalIgnoreCase)) is { } owner)
            {
                add(field, $"\"{domain}\" is already in policy \"{owner.Name}\" ({owner.Id}); a domain belongs to one policy.");
            }
            else
            {
                domains.Add(domain);
            }
        }
    }

    private static void CheckPilot(IReadOnlyList<string?> texts, List<ScopedExternalPolicy> others, IReadOnlyList<PilotAccount> externalUsers,
        List<PilotAccount> pilot, Action<string, string> add)
    {
        const string field = ScopedExternalPolicyDocument.Fields.PilotAccounts;
        if (others.FirstOrDefault(p => p.Scope == ExternalPolicyScope.Pilot) is { } existing)
        {
            add(field, $"The organisation already has a pilot, \"{existing.Name}\" ({existing.Id}); change that one.");
        }

        if (texts.Count > OrganisationPolicies.MaxPilotAccounts)
        {
            add(field, $"The pilot takes at most {OrganisationPolicies.MaxPilotAccounts} accounts; this one lists {texts.Count}.");
        }

        foreach (var text in texts)
        {
            var wanted = text?.Trim() ?? string.Empty;
            // By email or by account id. Unknown, internal and outside accounts get the same answer.
            var account = externalUsers.FirstOrDefault(a => string.Equals(a.Email, wanted, StringComparison.OrdinalIgnoreCase)
                || string.Equals(a.AccountId, wanted, StringComparison.Ordinal));
            if (account is null)
            {
                add(field, $"\"{text}\" is not an external user of this organisation.");
            }
            else if (pilot.Contains(account))
            {
                add(field, $"\"{text}\" is listed more than once.");
            }
            else
            {
                pilot.Add(account);
            }
        }
    }
}
