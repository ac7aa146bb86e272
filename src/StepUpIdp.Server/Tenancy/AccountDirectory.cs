using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Tenancy;

/// <summary>Read-side look-ups of apps and accounts, turned into the facts the domain rules decide on.</summary>
public sealed class AccountDirectory(StepUpDbContext db, ExternalPolicyStore policies, TimeProvider clock)
{
    public async Task<OrganisationApp?> FindAppAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return null;
        }

        // One round trip: this runs on every authorize and token request.
        var found = await (
                from a in db.Apps.AsNoTracking()
                join o in db.Organisations.AsNoTracking() on a.OrganisationId equals o.Id
                where a.ClientId == clientId
                select new
                {
                    App = a,
                    Spaces = a.Spaces.Select(s => s.Key).ToList(),
                    Organisation = o,
                    Domains = o.VerifiedDomains.Select(d => d.Domain).ToList(),
                })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        var (app, org) = (found.App, found.Organisation);
        return new OrganisationApp(
            app.ClientId,
            app.Name,
            app.Enforcement,
            org.Id,
            org.Name,
            found.Domains,
            org.ExternalPolicy.ToPolicy(),
            found.Spaces.ToHashSet(StringComparer.Ordinal));
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

        // The named policies are read only for external users: they never apply to internal ones.
        var orgPolicies = userType == UserType.External
            ? await policies.LoadAsync(app.OrganisationId, app.DefaultPolicy, cancellationToken)
            : OrganisationPolicies.DefaultOnly(app.DefaultPolicy);
        var facts = new SubjectFacts(account.Id, account.Email, account.Name, userType, role, account.EmailVerified, locked)
        {
            ExternalPolicy = ExternalPolicyResolver.Resolve(orgPolicies, new PolicySubject(account.Id, account.Email, userType)),
        };
        if (role != AppRole.Guest)
        {
            return facts;
        }

        // A guest without an assignment row has no space, so it cannot sign in.
        var assignment = await db.GuestAssignments.AsNoTracking()
            .SingleOrDefaultAsync(a => a.AppClientId == app.ClientId && a.AccountId == accountId, cancellationToken);
        return facts with { Spaces = assignment?.Spaces ?? [], GuestAccessEndsAt = assignment?.ExpiresAt };
    }
}
