using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Users;

public sealed record UserSummary(string AccountId, string Email, string Name, UserType UserType, bool Guest, bool Managed, bool Deactivated, bool Member, bool Admin)
{
    /// <summary><c>internal</c>, <c>external</c> or <c>guest</c>.</summary>
    public string TypeName => Guest ? "guest" : UserType.ToClaimValue();
}

public sealed record UserPage(IReadOnlyList<UserSummary> Users, int Page, int PageSize, int Total);

/// <summary>A role on one of the org's apps, and where it comes from: <c>direct</c> or a group's name.</summary>
public sealed record PersonRole(string ClientId, string AppName, AppRole Role, IReadOnlyList<string> Sources);

/// <summary>
/// A person's page: roles, groups, live sessions (with the org's verifications in each). <see cref="Sessions"/> is
/// null when the session store could not be reached.
/// </summary>
public sealed record PersonDetail(UserSummary User, IReadOnlyList<PersonRole> Roles, IReadOnlyList<(string Id, string Name)> Groups,
    IReadOnlyList<SignInSession>? Sessions);

/// <summary>The people of an organisation as its admins see them: listed, filtered and paged; one person in detail.</summary>
public sealed class UserRoster(StepUpDbContext db, OrganisationPeople people, SignInSessions sessions)
{
    public async Task<UserPage> ListAsync(string organisationId, UserQuery query, CancellationToken cancellationToken)
    {
        var all = await SummariesAsync(organisationId, await people.ListAsync(organisationId, cancellationToken), cancellationToken);
        var matching = all.Where(u =>
                (query.Text is null || u.Email.Contains(query.Text, StringComparison.OrdinalIgnoreCase) || u.Name.Contains(query.Text, StringComparison.OrdinalIgnoreCase))
                && (query.Kind is null || query.Kind == (u.Guest ? PersonKind.Guest : u.UserType == UserType.Internal ? PersonKind.Internal : PersonKind.External))
                && (query.Status is null || query.Status == (u.Deactivated ? AccountStatus.Deactivated : AccountStatus.Active)))
            .ToList();
        return new UserPage(matching.Skip((int)Math.Min(Paging.Offset(query.Page, query.PageSize), matching.Count)).Take(query.PageSize).ToList(), query.Page, query.PageSize, matching.Count);
    }

    public async Task<PersonDetail?> FindAsync(string organisationId, string accountId, CancellationToken cancellationToken)
    {
        var person = await people.FindAsync(organisationId, accountId, cancellationToken);
        if (person is null)
        {
            return null;
        }

        var summary = (await SummariesAsync(organisationId, [person], cancellationToken)).Single();
        var apps = await db.Apps.AsNoTracking().Where(a => a.OrganisationId == organisationId).Select(a => new { a.ClientId, a.Name }).ToListAsync(cancellationToken);
        var appIds = apps.Select(a => a.ClientId).ToList();
        var direct = await db.RoleGrants.AsNoTracking().Where(g => g.AccountId == accountId && appIds.Contains(g.AppClientId)).ToListAsync(cancellationToken);
        var groups = await db.Groups.AsNoTracking().Include(g => g.AppRoles)
            .Where(g => g.OrganisationId == organisationId && g.Members.Any(m => m.AccountId == accountId)).ToListAsync(cancellationToken);

        var roles = new List<PersonRole>();
        foreach (var app in apps.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase))
        {
            var grants = direct.Where(g => g.AppClientId == app.ClientId).Select(g => (g.Role, Source: "direct"))
                .Concat(groups.SelectMany(g => g.AppRoles.Where(r => r.AppClientId == app.ClientId).Select(r => (r.Role, Source: g.Name))))
                .ToList();
            if (grants.Count > 0)
            {
                roles.Add(new PersonRole(app.ClientId, app.Name, grants.Max(g => g.Role), grants.Select(g => g.Source).ToList()));
            }
        }

        IReadOnlyList<SignInSession>? live;
        try
        {
            live = (await sessions.ListAsync(accountId)).Where(s => SessionVisibility.SeenBy(s, organisationId, appIds, summary.Managed)).ToList();
        }
        catch (VerificationStoreUnavailableException)
        {
            live = null;
        }

        return new PersonDetail(summary, roles, groups.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase).Select(g => (g.Id, g.Name)).ToList(), live);
    }

    private async Task<IReadOnlyList<UserSummary>> SummariesAsync(string organisationId, IReadOnlyList<OrganisationPerson> persons, CancellationToken cancellationToken)
    {
        var ids = persons.Select(p => p.AccountId).ToList();
        var deactivated = (await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id) && a.DeactivatedAt != null).Select(a => a.Id).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var members = await db.OrganisationMembers.AsNoTracking().Where(m => m.OrganisationId == organisationId).ToDictionaryAsync(m => m.AccountId, m => m.IsAdmin, cancellationToken);
        var domains = await db.OrganisationDomains.AsNoTracking().Where(d => d.OrganisationId == organisationId).Select(d => d.Domain).ToListAsync(cancellationToken);
        return persons.Select(p => new UserSummary(p.AccountId, p.Email, p.Name, p.UserType, p.IsGuestSomewhere,
                AccountStewardship.Manages(p.Email, domains), deactivated.Contains(p.AccountId), members.ContainsKey(p.AccountId),
                members.GetValueOrDefault(p.AccountId)))
            .ToList();
    }
}
