using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Tenancy;

/// <summary>Who belongs to which organisation, and who administers it: what the admin API and the admin pages authorise on.</summary>
public sealed class OrganisationMemberships(StepUpDbContext db)
{
    /// <summary>The account's membership of the org, or null when it has none (or the org does not exist).</summary>
    public Task<OrganisationMember?> FindAsync(string organisationId, string accountId, CancellationToken cancellationToken) =>
        db.OrganisationMembers.AsNoTracking()
            .SingleOrDefaultAsync(m => m.OrganisationId == organisationId && m.AccountId == accountId, cancellationToken);

    /// <summary>The organisations the account administers, by name.</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> AdministeredByAsync(string accountId, CancellationToken cancellationToken) =>
        (await (from member in db.OrganisationMembers.AsNoTracking()
                join organisation in db.Organisations.AsNoTracking() on member.OrganisationId equals organisation.Id
                where member.AccountId == accountId && member.IsAdmin
                select new { organisation.Id, organisation.Name })
            .ToListAsync(cancellationToken))
        .OrderBy(o => o.Name, StringComparer.OrdinalIgnoreCase)
        .Select(o => (o.Id, o.Name))
        .ToList();
}
