using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Data.Registrations;

namespace StepUpIdp.Server.Tenancy;

/// <summary>
/// Reads an organisation's external-user policies (docs/external-policies.md): the default one from the
/// organisation's row, the named ones (domain policies, the pilot) with their domains and pilot accounts in one
/// query (a domain policy has no pilot accounts and the pilot no domains, so the joined rows stay few). The policy in
/// force for a person (<see cref="ResolveAsync"/>, on every authorize and token request of an external user) comes from
/// the registration cache, which a saved change empties on every node (docs/performance.md); the full list an admin
/// reads or a save checks against, and the policy a written decision rests on (<see cref="ResolveForChangeAsync"/>), are
/// always read from the database.
/// </summary>
public sealed class ExternalPolicyStore(StepUpDbContext db, RegistrationCache<IReadOnlyList<ScopedExternalPolicy>> named)
{
    /// <summary>All of the organisation's policies, <paramref name="defaultPolicy"/> being its default one as already read.</summary>
    public async Task<OrganisationPolicies> LoadAsync(string organisationId, ExternalUserPolicy defaultPolicy, CancellationToken cancellationToken) =>
        new(ScopedExternalPolicy.ForDefault(defaultPolicy), await ReadNamedAsync(organisationId, cancellationToken));

    private async Task<IReadOnlyList<ScopedExternalPolicy>> ReadNamedAsync(string organisationId, CancellationToken cancellationToken)
    {
        var rows = await db.ExternalPolicies.AsNoTracking()
            .Where(p => p.OrganisationId == organisationId)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)
            .Select(p => new
            {
                p.Id,
                p.Name,
                p.Scope,
                p.Settings,
                Domains = p.Domains.OrderBy(d => d.Domain).Select(d => d.Domain).ToList(),
                Pilot = (from member in p.PilotAccounts
                         join account in db.Accounts on member.AccountId equals account.Id
                         orderby account.Email
                         select new { account.Id, account.Email }).ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new ScopedExternalPolicy(r.Id, r.Name, r.Scope, r.Settings.ToPolicy())
        {
            Domains = r.Domains,
            PilotAccounts = r.Pilot.Select(a => new PilotAccount(a.Id, a.Email)).ToList(),
        }).ToList();
    }

    /// <summary>All of the organisation's policies, its default one read too.</summary>
    public async Task<OrganisationPolicies> LoadAsync(string organisationId, CancellationToken cancellationToken)
    {
        var stored = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.ExternalPolicy).SingleAsync(cancellationToken);
        return await LoadAsync(organisationId, stored.ToPolicy(), cancellationToken);
    }

    /// <summary>
    /// The policy in force for an account in the organisation, classified by its email against the organisation's
    /// verified domains (guests are external), or null when the account does not exist.
    /// </summary>
    public async Task<ScopedExternalPolicy?> ForAccountAsync(string organisationId, string accountId, bool isGuest, CancellationToken cancellationToken)
    {
        var email = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Email).SingleOrDefaultAsync(cancellationToken);
        if (email is null)
        {
            return null;
        }

        var org = await db.Organisations.AsNoTracking().Include(o => o.VerifiedDomains).SingleAsync(o => o.Id == organisationId, cancellationToken);
        var userType = AccountClassifier.Classify(email, org.VerifiedDomains.Select(d => d.Domain), isGuest);
        return await ResolveAsync(organisationId, org.ExternalPolicy.ToPolicy(), new PolicySubject(accountId, email, userType), cancellationToken);
    }

    /// <summary>
    /// The policy in force for a person already classified, <paramref name="defaultPolicy"/> being the organisation's
    /// default one as already read. The named policies are read only for an external user (they never apply to internal
    /// ones), from the registration cache: this decides what a request may do now.
    /// </summary>
    public Task<ScopedExternalPolicy> ResolveAsync(string organisationId, ExternalUserPolicy defaultPolicy, PolicySubject subject,
        CancellationToken cancellationToken) =>
        ResolveAsync(organisationId, defaultPolicy, subject, fromCache: true, cancellationToken);

    /// <summary>
    /// As <see cref="ResolveAsync(string, ExternalUserPolicy, PolicySubject, CancellationToken)"/>, with the named policies
    /// read from the database in the caller's transaction: for a decision that is written (an API token created under
    /// the policy), with which a policy change at the same moment must conflict.
    /// </summary>
    public Task<ScopedExternalPolicy> ResolveForChangeAsync(string organisationId, ExternalUserPolicy defaultPolicy, PolicySubject subject,
        CancellationToken cancellationToken) =>
        ResolveAsync(organisationId, defaultPolicy, subject, fromCache: false, cancellationToken);

    private async Task<ScopedExternalPolicy> ResolveAsync(string organisationId, ExternalUserPolicy defaultPolicy, PolicySubject subject,
        bool fromCache, CancellationToken cancellationToken)
    {
        if (subject.UserType != UserType.External)
        {
            return ExternalPolicyResolver.Resolve(OrganisationPolicies.DefaultOnly(defaultPolicy), subject);
        }

        var list = fromCache
            ? (await named.GetOrReadAsync(organisationId, async ct => await ReadNamedAsync(organisationId, ct), cancellationToken))!
            : await ReadNamedAsync(organisationId, cancellationToken);
        return ExternalPolicyResolver.Resolve(new OrganisationPolicies(ScopedExternalPolicy.ForDefault(defaultPolicy), list), subject);
    }
}
