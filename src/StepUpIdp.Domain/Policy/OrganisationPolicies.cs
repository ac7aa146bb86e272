namespace StepUpIdp.Domain.Policy;

/// <summary>
/// Every external-user policy of one organisation: the default one and the named ones (domain policies and at most
/// one pilot). Immutable; <see cref="ExternalPolicyResolver"/> picks the one in force for a person.
/// </summary>
public sealed record OrganisationPolicies(ScopedExternalPolicy Default, IReadOnlyList<ScopedExternalPolicy> Named)
{
    /// <summary>Domain policies an organisation may have besides its default policy and its pilot.</summary>
    public const int MaxDomainPolicies = 20;

    public const int MaxDomainsPerPolicy = 20;

    public const int MaxPilotAccounts = 5;

    public static OrganisationPolicies DefaultOnly(ExternalUserPolicy policy) => new(ScopedExternalPolicy.ForDefault(policy), []);

    public IEnumerable<ScopedExternalPolicy> All => Named.Prepend(Default);

    public ScopedExternalPolicy? Find(string id) => All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.Ordinal));

    /// <summary>The same set with <paramref name="policy"/> in place of the one with its id (or added), as a preview sees it.</summary>
    public OrganisationPolicies With(ScopedExternalPolicy policy) => policy.Scope == ExternalPolicyScope.Default
        ? this with { Default = policy }
        : this with
        {
            Named = Named.Any(p => p.Id == policy.Id)
                ? Named.Select(p => p.Id == policy.Id ? policy : p).ToList()
                : [.. Named, policy],
        };

    /// <summary>The same set without the named policy <paramref name="id"/>.</summary>
    public OrganisationPolicies Without(string id) => this with { Named = Named.Where(p => p.Id != id).ToList() };
}
