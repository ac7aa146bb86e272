using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Guests;

namespace StepUpIdp.Server.Guests;

/// <summary>One guest of an app as the admin API shows it. <see cref="Role"/> is the effective role: a group can make a guest a user.</summary>
public sealed record GuestListing(
    string AccountId,
    string Email,
    string Name,
    AppRole Role,
    IReadOnlyList<string> Spaces,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastSignInAt,
    string? InvitedBy,
    DateTimeOffset? InvitedAt);

/// <summary>
/// The effective roles of everyone holding a grant on an org's apps, direct or through a group:
/// what the guest allowance counts and what tells a guest from a user.
/// </summary>
public sealed class OrgRoles(IReadOnlyDictionary<string, IReadOnlyDictionary<string, AppRole>> byAccount)
{
    /// <summary>The account's effective role on the app, or null when it holds no grant there.</summary>
    public AppRole? On(string accountId, string clientId) =>
        byAccount.TryGetValue(accountId, out var apps) && apps.TryGetValue(clientId, out var role) ? role : null;

    /// <summary>Accounts with the user or admin role on any app of the org: the seats the allowance is counted per.</summary>
    public IReadOnlySet<string> SeatHolders =>
        byAccount.Where(a => a.Value.Values.Any(r => r >= AppRole.User)).Select(a => a.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>Accounts that are a guest of at least one app and hold no seat: the org's guests for the allowance.</summary>
    public IReadOnlySet<string> Guests =>
        byAccount.Where(a => a.Value.Values.Contains(AppRole.Guest) && !a.Value.Values.Any(r => r >= AppRole.User))
            .Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
}

/// <summary>Read-side look-ups for guests: the guest list of an app and the org's effective roles.</summary>
public sealed class GuestDirectory(StepUpDbContext db)
{
    public async Task<OrgRoles> ReadOrgRolesAsync(string organisationId, CancellationToken cancellationToken)
    {
        var appIds = db.Apps.Where(a => a.OrganisationId == organisationId).Select(a => a.ClientId);
        var direct = await db.RoleGrants.AsNoTracking()
            .Where(g => appIds.Contains(g.AppClientId))
            .Select(g => new { g.AccountId, g.AppClientId, g.Role })
            .ToListAsync(cancellationToken);
        var viaGroups = await (
                from member in db.GroupMembers.AsNoTracking()
                join grant in db.GroupAppRoles.AsNoTracking() on member.GroupId equals grant.GroupId
                where appIds.Contains(grant.AppClientId)
                select new { member.AccountId, grant.AppClientId, grant.Role })
            .ToListAsync(cancellationToken);

        var byAccount = direct.Select(g => (g.AccountId, g.AppClientId, g.Role, Direct: true))
            .Concat(viaGroups.Select(g => (g.AccountId, g.AppClientId, g.Role, Direct: false)))
            .GroupBy(g => g.AccountId, StringComparer.Ordinal)
            .ToDictionary(
                account => account.Key,
                account => (IReadOnlyDictionary<string, AppRole>)account
                    .GroupBy(g => g.AppClientId, StringComparer.Ordinal)
                    .ToDictionary(
                        app => app.Key,
                        app => EffectiveRole.Resolve(app.Where(g => g.Direct).Select(g => g.Role), app.Where(g => !g.Direct).Select(g => g.Role))!.Value,
                        StringComparer.Ordinal),
                StringComparer.Ordinal);
        return new OrgRoles(byAccount);
    }

    /// <summary>Accounts holding the guest grant on the app (some may be users through a group), by email.</summary>
    public async Task<IReadOnlyList<GuestListing>> ListAsync(App app, CancellationToken cancellationToken)
    {
        var roles = await ReadOrgRolesAsync(app.OrganisationId, cancellationToken);
        var rows = await (
                from grant in db.RoleGrants.AsNoTracking()
                join account in db.Accounts.AsNoTracking() on grant.AccountId equals account.Id
                join assignment in db.GuestAssignments.AsNoTracking()
                    on new { grant.AppClientId, grant.AccountId } equals new { assignment.AppClientId, assignment.AccountId } into assignments
                from assignment in assignments.DefaultIfEmpty()
                where grant.AppClientId == app.ClientId && grant.Role == AppRole.Guest
                select new { account.Id, account.Email, account.Name, Assignment = assignment })
            .ToListAsync(cancellationToken);

        return rows
            .OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase)
            .Select(r => new GuestListing(
                r.Id, r.Email, r.Name,
                roles.On(r.Id, app.ClientId) ?? AppRole.Guest,
                r.Assignment?.Spaces ?? [],
                r.Assignment?.ExpiresAt,
                r.Assignment?.LastSignInAt,
                r.Assignment?.InvitedBy,
                r.Assignment?.InvitedAt))
            .ToList();
    }

    public Task<App?> FindAppAsync(string organisationId, string clientId, CancellationToken cancellationToken) =>
        db.Apps.AsNoTracking().Include(a => a.Spaces)
            .SingleOrDefaultAsync(a => a.ClientId == clientId && a.OrganisationId == organisationId, cancellationToken);
}
