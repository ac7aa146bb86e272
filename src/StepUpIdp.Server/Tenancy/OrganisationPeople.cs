using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Tenancy;

/// <summary>An account that acts in an organisation, classified for it.</summary>
public sealed record OrganisationPerson(string AccountId, string Email, string Name, UserType UserType, bool IsGuestSomewhere);

/// <summary>
/// The people of an organisation: its members and everyone holding a role on one of its apps (directly
/// or through a group), each classified internal or external for the org.
/// </summary>
public sealed class OrganisationPeople(StepUpDbContext db)
{
    public Task<IReadOnlyList<OrganisationPerson>> ListAsync(string organisationId, CancellationToken cancellationToken) =>
        QueryAsync(organisationId, onlyAccountId: null, cancellationToken);

    public async Task<IReadOnlyList<OrganisationPerson>> ListExternalAsync(string organisationId, CancellationToken cancellationToken) =>
        (await ListAsync(organisationId, cancellationToken)).Where(p => p.UserType == UserType.External).ToList();

    /// <summary>One person of the org, classified for it, or null when the account does not act in the org.</summary>
    public async Task<OrganisationPerson?> FindAsync(string organisationId, string accountId, CancellationToken cancellationToken) =>
        (await QueryAsync(organisationId, accountId, cancellationToken)).SingleOrDefault();

    /// <summary>Whether one account is an external user of the org, without listing everyone.</summary>
    public async Task<bool> IsExternalAsync(string organisationId, string accountId, CancellationToken cancellationToken) =>
        (await QueryAsync(organisationId, accountId, cancellationToken)).Any(p => p.UserType == UserType.External);

    /// <summary>
    /// What the org may do to an account as a whole (<see cref="AccountStewardship"/>), or null when the account is
    /// not found: it does not exist, or it is neither on one of the org's verified domains nor acting in the org
    /// (an org learns nothing about other orgs' people).
    /// </summary>
    public async Task<AccountActionDecision?> DecideWholeAccountAsync(string organisationId, string accountId, CancellationToken cancellationToken)
    {
        var email = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Email).SingleOrDefaultAsync(cancellationToken);
        if (email is null)
        {
            return null;
        }

        var domains = await db.OrganisationDomains.AsNoTracking()
            .Where(d => d.OrganisationId == organisationId).Select(d => d.Domain).ToListAsync(cancellationToken);
        var decision = AccountStewardship.Decide(AdminActionReach.WholeAccount, email, domains);
        return decision is AccountActionDecision.Allowed || (await QueryAsync(organisationId, accountId, cancellationToken)).Count > 0
            ? decision
            : null;
    }

    private async Task<IReadOnlyList<OrganisationPerson>> QueryAsync(string organisationId, string? onlyAccountId, CancellationToken cancellationToken)
    {
        var domains = await db.OrganisationDomains.AsNoTracking()
            .Where(d => d.OrganisationId == organisationId).Select(d => d.Domain).ToListAsync(cancellationToken);
        var appIds = db.Apps.Where(a => a.OrganisationId == organisationId).Select(a => a.ClientId);

        var members = db.OrganisationMembers.Where(m => m.OrganisationId == organisationId).Select(m => m.AccountId);
        var direct = db.RoleGrants.Where(g => appIds.Contains(g.AppClientId)).Select(g => g.AccountId);
        var viaGroups = from member in db.GroupMembers
                        join grant in db.GroupAppRoles on member.GroupId equals grant.GroupId
                        where appIds.Contains(grant.AppClientId)
                        select member.AccountId;
        var ids = members.Union(direct).Union(viaGroups);
        var accountsOfOrg = db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id));
        if (onlyAccountId is not null)
        {
            accountsOfOrg = accountsOfOrg.Where(a => a.Id == onlyAccountId);
        }

        var accounts = await accountsOfOrg.OrderBy(a => a.Email).ToListAsync(cancellationToken);
        var groupGuests = from member in db.GroupMembers
                          join grant in db.GroupAppRoles on member.GroupId equals grant.GroupId
                          where appIds.Contains(grant.AppClientId) && grant.Role == AppRole.Guest
                          select member.AccountId;
        var guests = (await db.RoleGrants.AsNoTracking()
                .Where(g => appIds.Contains(g.AppClientId) && g.Role == AppRole.Guest)
                .Select(g => g.AccountId).Union(groupGuests).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);

        return accounts.Select(a =>
        {
            var guest = guests.Contains(a.Id);
            return new OrganisationPerson(a.Id, a.Email, a.Name, AccountClassifier.Classify(a.Email, domains, guest), guest);
        }).ToList();
    }
}
