using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Users;

/// <summary>Stages a person's membership, roles and groups in an organisation; saves nothing itself.</summary>
internal static class AssignmentWriter
{
    /// <summary>
    /// The roles and groups asked for, checked against the organisation's apps and groups as they are now; problems go to
    /// <paramref name="errors"/>. Called once to answer the request, and again inside the transaction that writes them,
    /// so an app or group removed in between is refused instead of written as a dangling reference.
    /// </summary>
    public static async Task<Assignments> ValidateAsync(StepUpDbContext db, string organisationId, IReadOnlyDictionary<string, string?>? roles,
        IReadOnlyList<string?>? groups, FieldErrors errors, CancellationToken ct)
    {
        var apps = (await db.Apps.AsNoTracking().Where(a => a.OrganisationId == organisationId).Select(a => a.ClientId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var groupIds = (await db.Groups.AsNoTracking().Where(g => g.OrganisationId == organisationId).Select(g => g.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        return UserInvitationRules.ValidateAssignments(roles, groups, apps, groupIds, errors);
    }

    /// <summary>The problems <see cref="ValidateAsync"/> finds now, or null when the assignments still hold.</summary>
    public static async Task<FieldErrors?> StillValidAsync(StepUpDbContext db, string organisationId, IReadOnlyDictionary<string, string?>? roles,
        IReadOnlyList<string?>? groups, CancellationToken ct)
    {
        var errors = new FieldErrors();
        await ValidateAsync(db, organisationId, roles, groups, errors, ct);
        return errors.Count > 0 ? errors : null;
    }

    /// <summary>The account's direct user and admin roles on the org's apps and its groups of the org, as they are now.</summary>
    public static async Task<Assignments> CurrentAsync(StepUpDbContext db, string organisationId, string accountId, CancellationToken ct)
    {
        var appIds = db.Apps.Where(a => a.OrganisationId == organisationId).Select(a => a.ClientId);
        var roles = await db.RoleGrants.AsNoTracking()
            .Where(g => g.AccountId == accountId && g.Role != AppRole.Guest && appIds.Contains(g.AppClientId))
            .ToDictionaryAsync(g => g.AppClientId, g => g.Role, StringComparer.Ordinal, ct);
        var groupIds = db.Groups.Where(g => g.OrganisationId == organisationId).Select(g => g.Id);
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.AccountId == accountId && groupIds.Contains(m.GroupId))
            .Select(m => m.GroupId).ToListAsync(ct);
        return new Assignments(roles, groups);
    }

    /// <summary>Makes the account a member with the roles and groups given, keeping what it already has.</summary>
    public static async Task AddAsync(StepUpDbContext db, string organisationId, string accountId, Assignments assignments, CancellationToken ct)
    {
        if (await db.OrganisationMembers.FindAsync([organisationId, accountId], ct) is null)
        {
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisationId, AccountId = accountId });
        }

        foreach (var (app, role) in assignments.Roles)
        {
            var grant = await db.RoleGrants.FindAsync([app, accountId], ct);
            if (grant is null)
            {
                db.RoleGrants.Add(new RoleGrant { AppClientId = app, AccountId = accountId, Role = role });
            }
            else if (grant.Role < role)
            {
                grant.Role = role;
            }
        }

        foreach (var group in assignments.Groups)
        {
            if (await db.GroupMembers.FindAsync([group, accountId], ct) is null)
            {
                db.GroupMembers.Add(new GroupMember { GroupId = group, AccountId = accountId });
            }
        }
    }

    /// <summary>
    /// Replaces the account's user and admin roles on the org's apps and its groups of the org with those given.
    /// Guest grants stay: they are changed on the app's guest list.
    /// </summary>
    public static async Task ReplaceAsync(StepUpDbContext db, string organisationId, string accountId, Assignments assignments, CancellationToken ct)
    {
        var appIds = db.Apps.Where(a => a.OrganisationId == organisationId).Select(a => a.ClientId);
        var grants = await db.RoleGrants.Where(g => g.AccountId == accountId && appIds.Contains(g.AppClientId)).ToListAsync(ct);
        foreach (var grant in grants.Where(g => g.Role != AppRole.Guest && !assignments.Roles.ContainsKey(g.AppClientId)))
        {
            db.RoleGrants.Remove(grant);
        }

        foreach (var (app, role) in assignments.Roles)
        {
            if (grants.SingleOrDefault(g => g.AppClientId == app) is { } grant)
            {
                grant.Role = role;
            }
            else
            {
                db.RoleGrants.Add(new RoleGrant { AppClientId = app, AccountId = accountId, Role = role });
            }
        }

        var groupIds = db.Groups.Where(g => g.OrganisationId == organisationId).Select(g => g.Id);
        var memberships = await db.GroupMembers.Where(m => m.AccountId == accountId && groupIds.Contains(m.GroupId)).ToListAsync(ct);
        db.GroupMembers.RemoveRange(memberships.Where(m => !assignments.Groups.Contains(m.GroupId)));
        db.GroupMembers.AddRange(assignments.Groups.Where(g => memberships.All(m => m.GroupId != g))
            .Select(g => new GroupMember { GroupId = g, AccountId = accountId }));
    }

    public static string Describe(Assignments assignments) =>
        $"roles [{string.Join(", ", assignments.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}: {r.Value.ToClaimValue()}"))}], "
        + $"groups [{string.Join(", ", assignments.Groups)}]";
}
