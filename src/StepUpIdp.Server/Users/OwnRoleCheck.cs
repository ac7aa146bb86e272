using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Users;

/// <summary>
/// Asks <see cref="OwnRoles"/> whether a change takes away the acting admin's own role, on the roles they hold in the
/// database (<see cref="HeldRoles"/>: direct and through groups). Called inside the transaction that makes the change,
/// so a change of their groups at the same moment comes wholly before the decision or wholly after.
/// </summary>
internal static class OwnRoleCheck
{
    /// <summary>The apps, in order, on which <paramref name="change"/> lowers the admin's effective role; empty when it may go ahead.</summary>
    /// <param name="callingApp">The client id the admin's token was issued to; null for the admin pages.</param>
    public static async Task<IReadOnlyList<string>> LoweredAsync(StepUpDbContext db, string organisationId, string adminId, Func<HeldRoles, HeldRoles> change,
        string? callingApp, CancellationToken ct)
    {
        var held = await HeldAsync(db, organisationId, adminId, ct);
        return OwnRoles.Lowered(held, change(held), callingApp);
    }

    /// <summary>The account's direct grants on the org's apps (guest grants too) and the org's groups it is in, with their roles.</summary>
    public static async Task<HeldRoles> HeldAsync(StepUpDbContext db, string organisationId, string accountId, CancellationToken ct)
    {
        var appIds = db.Apps.Where(a => a.OrganisationId == organisationId).Select(a => a.ClientId);
        var direct = await db.RoleGrants.AsNoTracking()
            .Where(g => g.AccountId == accountId && appIds.Contains(g.AppClientId))
            .ToDictionaryAsync(g => g.AppClientId, g => g.Role, StringComparer.Ordinal, ct);
        var groupIds = await db.GroupMembers.AsNoTracking()
            .Where(m => m.AccountId == accountId && db.Groups.Any(g => g.Id == m.GroupId && g.OrganisationId == organisationId))
            .Select(m => m.GroupId).ToListAsync(ct);
        return new HeldRoles(direct, await GroupRolesAsync(db, organisationId, groupIds, ct));
    }

    /// <summary>The org's groups among <paramref name="groupIds"/>: group id to the roles it gives (client id to role).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, AppRole>>> GroupRolesAsync(StepUpDbContext db, string organisationId,
        IReadOnlyCollection<string> groupIds, CancellationToken ct)
    {
        var groups = await db.Groups.AsNoTracking().Include(g => g.AppRoles)
            .Where(g => g.OrganisationId == organisationId && groupIds.Contains(g.Id)).ToListAsync(ct);
        return groups.ToDictionary(
            g => g.Id,
            g => (IReadOnlyDictionary<string, AppRole>)g.AppRoles.ToDictionary(r => r.AppClientId, r => r.Role, StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>The refusal: what the change would do, on which apps, and who can do it instead.</summary>
    public static string Refusal(string cannot, IReadOnlyList<string> apps) =>
        $"You cannot {cannot} your own role on {string.Join(", ", apps)}; ask another administrator.";
}
