using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Data.Registrations;
using StepUpIdp.Infrastructure.TwoStep;

namespace StepUpIdp.Server.Tenancy;

/// <summary>Read-side look-ups of apps and accounts, turned into the facts the domain rules decide on.</summary>
public sealed class AccountDirectory(StepUpDbContext db, ExternalPolicyStore policies, RegistrationCache<OrganisationApp> apps, TimeProvider clock)
{
    /// <summary>
    /// The app and its organisation. This runs on every authorize and token request, so it is served from memory
    /// until a change of either is saved on any node (<see cref="RegistrationCache{TValue}"/>, docs/performance.md).
    /// </summary>
    public async Task<OrganisationApp?> FindAppAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return null;
        }

        return await apps.GetOrReadAsync(clientId, ct => ReadAppAsync(clientId, ct), cancellationToken);
    }

    private async Task<OrganisationApp?> ReadAppAsync(string clientId, CancellationToken cancellationToken)
    {
        // One round trip for the app, its spaces, its organisation and the organisation's verified domains.
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

    /// <summary>
    /// The IdP's own account and admin pages, seen as an app of <paramref name="organisationId"/>: what a verification
    /// asked by those pages is checked and recorded against (docs/security.md, "Recent strong sign-in"). The org's
    /// external-user policy applies to it as to an enforced app. Null when the org does not exist.
    /// </summary>
    public async Task<OrganisationApp?> FindPortalAsync(string? organisationId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(organisationId))
        {
            return null;
        }

        var found = await db.Organisations.AsNoTracking()
            .Where(o => o.Id == organisationId)
            .Select(o => new { Organisation = o, Domains = o.VerifiedDomains.Select(d => d.Domain).ToList() })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null
            ? null
            : new OrganisationApp(PortalClientId, "StepUpIdp account settings", StepUpIdp.Domain.Policy.AppEnforcement.Enforced,
                found.Organisation.Id, found.Organisation.Name, found.Domains, found.Organisation.ExternalPolicy.ToPolicy(),
                new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>
    /// The organisation a step-up on the account's own pages verifies for, when no app asked: one where the account is
    /// external (so its external-user policy applies), else any it belongs to, holds a role in or is managed by; null
    /// when there is none.
    /// </summary>
    public async Task<string?> StepUpOrganisationAsync(string accountId, string email, CancellationToken cancellationToken)
    {
        var memberOf = MemberOf(accountId);
        var grantedBy = GrantedBy(accountId);
        var domain = LowerDomainOf(email);
        var organisations = await db.Organisations.AsNoTracking()
            .Where(o => memberOf.Contains(o.Id) || grantedBy.Contains(o.Id) || o.VerifiedDomains.Any(d => d.Domain == domain))
            .OrderBy(o => o.Id)
            .Select(o => new { OrganisationId = o.Id, Domains = o.VerifiedDomains.Select(d => d.Domain).ToList() })
            .ToListAsync(cancellationToken);
        return organisations.FirstOrDefault(o => AccountClassifier.Classify(email, o.Domains, isGuest: false) == UserType.External)?.OrganisationId
            ?? organisations.FirstOrDefault()?.OrganisationId;
    }

    /// <summary>The organisations the account belongs to or holds a role in (on one of their apps), in one round trip.</summary>
    public async Task<IReadOnlyList<string>> OrganisationsOfAsync(string accountId, CancellationToken cancellationToken)
    {
        var memberOf = MemberOf(accountId);
        var grantedBy = GrantedBy(accountId);
        return await db.Organisations.AsNoTracking()
            .Where(o => memberOf.Contains(o.Id) || grantedBy.Contains(o.Id))
            .OrderBy(o => o.Id)
            .Select(o => o.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The address's domain as verified domains are stored (lower case); empty when it has none.</summary>
    private static string LowerDomainOf(string email) => (EmailAddress.DomainOf(email) ?? string.Empty).ToLowerInvariant();

    private IQueryable<string> MemberOf(string accountId) =>
        db.OrganisationMembers.Where(m => m.AccountId == accountId).Select(m => m.OrganisationId);

    private IQueryable<string> GrantedBy(string accountId) =>
        from grant in db.RoleGrants
        join app in db.Apps on grant.AppClientId equals app.ClientId
        where grant.AccountId == accountId
        select app.OrganisationId;

    /// <summary>
    /// The name of the organisation that manages the account (its email domain is one of the org's verified domains;
    /// docs/security.md, "Across orgs"), or null when none does. Only that organisation may lift a verification lock-out.
    /// </summary>
    public async Task<string?> ManagingOrganisationNameAsync(string email, CancellationToken cancellationToken)
    {
        var domain = LowerDomainOf(email);
        return await db.Organisations.AsNoTracking()
            .Where(o => o.VerifiedDomains.Any(d => d.Domain == domain))
            .OrderBy(o => o.Id)
            .Select(o => o.Name)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The client id that stands for the IdP's own pages; it cannot be registered (docs/security.md).</summary>
    public const string PortalClientId = "urn:stepupidp:portal";

    public Task<Account?> FindAccountByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        return db.Accounts.SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
    }

    /// <summary>
    /// One round trip for the account, its roles on the app and whether it has an authenticator. This runs on every
    /// authorize and token request, so it is compiled rather than translated again per call (docs/performance.md). Only
    /// an external user's named policies and a guest's assignment follow, in <see cref="DescribeAsync"/>.
    /// </summary>
    private static readonly PerModelCompiledQuery<Func<StepUpDbContext, string, string, CancellationToken, Task<AccountOnApp?>>> AccountOnAppQuery =
        new(() => EF.CompileAsyncQuery((StepUpDbContext db, string accountId, string clientId, CancellationToken _) => db.Accounts.AsNoTracking()
            .Where(a => a.Id == accountId)
            .Select(a => new AccountOnApp
            {
                Account = a,
                Direct = db.RoleGrants.Where(g => g.AccountId == a.Id && g.AppClientId == clientId).Select(g => g.Role).ToList(),
                GroupGrants = (from member in db.GroupMembers
                               join grant in db.GroupAppRoles on member.GroupId equals grant.GroupId
                               where member.AccountId == a.Id && grant.AppClientId == clientId
                               select grant).ToList(),
                HasAuthenticator = db.Set<AccountAuthenticator>().Any(x => x.AccountId == a.Id),
            })
            .SingleOrDefault()));

    private sealed class AccountOnApp
    {
        public required Account Account { get; init; }

        public required List<AppRole> Direct { get; init; }

        public required List<GroupAppRole> GroupGrants { get; init; }

        public required bool HasAuthenticator { get; init; }
    }

    /// <summary>The account's facts on the app, or null when the account no longer exists.</summary>
    public async Task<SubjectFacts?> DescribeAsync(string accountId, OrganisationApp app, CancellationToken cancellationToken)
    {
        var found = await AccountOnAppQuery.For(db)(db, accountId, app.ClientId, cancellationToken);
        if (found is null || found.Account.DeactivatedAt is not null)
        {
            // A deactivated account is treated as gone: no sign-in continues, no refresh token or API token works.
            return null;
        }

        var account = found.Account;
        var role = EffectiveRole.Resolve(found.Direct, found.GroupGrants.Select(g => g.Role));
        var userType = AccountClassifier.Classify(account.Email, app.VerifiedDomains, isGuest: role == AppRole.Guest);
        var locked = account.LockedUntil is { } until && until > clock.GetUtcNow();

        var facts = new SubjectFacts(account.Id, account.Email, account.Name, userType, role, account.EmailVerified, locked)
        {
            HasAuthenticator = found.HasAuthenticator,
            ExternalPolicy = await policies.ResolveAsync(app.OrganisationId, app.DefaultPolicy, new PolicySubject(account.Id, account.Email, userType),
                cancellationToken),
        };
        if (role != AppRole.Guest)
        {
            return facts;
        }

        // A guest without an assignment row or a guest group has no space, so it cannot sign in.
        var assignment = await db.GuestAssignments.AsNoTracking()
            .SingleOrDefaultAsync(a => a.AppClientId == app.ClientId && a.AccountId == accountId, cancellationToken);
        var (spaces, readOnly) = Domain.People.GuestSpaces.Combine(assignment?.Spaces ?? [],
            found.GroupGrants.Where(g => g.Role == AppRole.Guest).Select(g => ((IReadOnlyList<string>)g.Spaces, (IReadOnlyList<string>)g.ReadOnlySpaces)));
        return facts with { Spaces = spaces, ReadOnlySpaces = readOnly, GuestAccessEndsAt = assignment?.ExpiresAt };
    }
}
