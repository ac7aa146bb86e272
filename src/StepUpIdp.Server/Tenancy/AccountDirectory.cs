using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Tenancy;

/// <summary>Read-side look-ups of apps and accounts, turned into the facts the domain rules decide on.</summary>
public sealed class AccountDirectory(StepUpDbContext db, TimeProvider clock)
{
    public async Task<OrganisationApp?> FindAppAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return null;
        }

        var app = await db.Apps.AsNoTracking()
            .Include(a => a.Spaces)
            .SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);
        if (app is null)
        {
            return null;
        }

        var org = await db.Organisations.AsNoTracking()
            .Include(o => o.VerifiedDomains)
            .SingleAsync(o => o.Id == app.OrganisationId, cancellationToken);

        return new OrganisationApp(
            app.ClientId,
            app.Name,
            app.Enforcement,
            org.Id,
            org.Name,
            org.VerifiedDomains.Select(d => d.Domain).ToList(),
            org.ExternalPolicy.ToPolicy(),
            app.Spaces.Select(s => s.Key).ToHashSet(StringComparer.Ordinal));
    }

    public Task<Account?> FindAccountByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        return db.Accounts.SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
    }

    /// <summary>The account's facts on the app, or null when the account no longer exists.</summary>
    public async Task<SubjectFacts?> DescribeAsync(string accountId, OrganisationApp app, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var direct = await db.RoleGrants.AsNoTracking()
            .Where(g => g.AccountId == accountId && g.AppClientId == app.ClientId)
            .Select(g => g.Role)
            .ToListAsync(cancellationToken);

        var viaGroups = await (
                from member in db.GroupMembers.AsNoTracking()
                join grant in db.GroupAppRoles.AsNoTracking() on member.GroupId equals grant.GroupId
                where member.AccountId == accountId && grant.AppClientId == app.ClientId
                select grant.Role)
            .ToListAsync(cancellationToken);

        var role = EffectiveRole.Resolve(direct, viaGroups);
        var userType = AccountClassifier.Classify(account.Email, app.VerifiedDomains, isGuest: role == AppRole.Guest);
        var locked = account.LockedUntil is { } until && until > clock.GetUtcNow();

        var facts = new SubjectFacts(account.Id, account.Email, account.Name, userType, role, account.EmailVerified, locked);
        if (role != AppRole.Guest)
        {
            return facts;
        }

        // A guest without an assignment row has no space, so it cannot sign in (contract section 1).
        var assignment = await db.GuestAssignments.AsNoTracking()
            .SingleOrDefaultAsync(a => a.AppClientId == app.ClientId && a.AccountId == accountId, cancellationToken);
        return facts with { Spaces = assignment?.Spaces ?? [], GuestAccessEndsAt = assignment?.ExpiresAt };
    }
}
