using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.ApiTokens;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.ApiTokens;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Server.Guests;

namespace StepUpIdp.Server.ApiTokens;

/// <summary>What creating a token came to.</summary>
public abstract record ApiTokenCreation
{
    private ApiTokenCreation()
    {
    }

    /// <param name="Token">The full secret token: hand it over once, never again.</param>
    public sealed record Created(string Id, string Token, DateTimeOffset ExpiresAt) : ApiTokenCreation;

    /// <param name="Field">The request field at fault, or null when the account may not hold tokens at all.</param>
    public sealed record Refused(string Rule, string Description, string? Field) : ApiTokenCreation;
}

/// <summary>A token as its owner may see it: never the secret.</summary>
public sealed record ApiTokenSummary(
    string Id, string Name, string OrganisationId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Creates, lists and revokes an account's API tokens in one organisation; shared by <c>/api/me/api-tokens</c>
/// and the account page. The rules come from <see cref="ApiTokenRules"/>, checked against facts read now.
/// </summary>
public sealed class ApiTokenIssuer(StepUpDbContext db, Tenancy.ExternalPolicyStore policies, AuditLog audit, ApiTokenUsage usage, GuestMailQueue mail, TimeProvider clock)
{
    /// <summary>Live (neither revoked nor expired) tokens an account may hold in one org.</summary>
    public const int MaxLive = 50;

    /// <summary>The refusal's rule when the account already holds <see cref="MaxLive"/> live tokens in the org.</summary>
    public const string TooManyRule = "too_many";

    public async Task<ApiTokenCreation> CreateAsync(string accountId, string organisationId, string? name, int lifetimeDays, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > ApiTokenConfiguration.MaxNameLength || Domain.Audit.DisplayNames.HasHiddenCharacters(name))
        {
            return new ApiTokenCreation.Refused("name",
                $"Give the token a name of 1 to {ApiTokenConfiguration.MaxNameLength} characters, without control or invisible formatting characters.", "name");
        }

        // The facts and the new token in one serializable transaction (retried on a conflict): a policy or role change
        // at the same moment comes wholly before the decision or wholly after the token.
        var now = clock.GetUtcNow();
        var secret = ApiTokenSecret.Create();
        var decided = await db.RunSerializableAsync(async ct =>
        {
            var org = await db.Organisations.AsNoTracking().Include(o => o.VerifiedDomains).SingleAsync(o => o.Id == organisationId, ct);
            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, ct);
            var isGuest = await IsGuestInAsync(accountId, organisationId, ct);
            var userType = AccountClassifier.Classify(account.Email, org.VerifiedDomains.Select(d => d.Domain), isGuest);

            // The owner's policy (pilot, domain or default) decides, as it will at every exchange.
            var policy = await policies.ResolveForChangeAsync(organisationId, org.ExternalPolicy.ToPolicy(), new PolicySubject(accountId, account.Email, userType), ct);
            if (ApiTokenRules.CheckCreation(lifetimeDays, policy.Policy, userType, isGuest) is ApiTokenDecision.Refused refused)
            {
                return new CreationDecided(refused, policy.Describe(), null, account.Email, org.Name);
            }

            // Counted in the same transaction as the insert: creations at the same moment cannot together pass the limit.
            var live = await db.ApiTokens.AsNoTracking()
                .Where(t => t.AccountId == accountId && t.OrganisationId == organisationId && t.RevokedAt == null && t.ExpiresAt > now)
                .CountAsync(ct);
            if (live >= MaxLive)
            {
                return new CreationDecided(new ApiTokenDecision.Refused(TooManyRule,
                    $"You have {live} live API tokens in this organisation, the most allowed; revoke one before creating another."),
                    policy.Describe(), null, account.Email, org.Name);
            }

            var token = new ApiToken
            {
                Id = secret.Id,
                OrganisationId = organisationId,
                AccountId = accountId,
                Name = name,
                SecretHash = secret.Hash(),
                CreatedAt = now,
                ExpiresAt = now.AddDays(lifetimeDays),
            };
            db.ApiTokens.Add(token);
            audit.Stage(new AuditEvent(organisationId, AuditActions.ApiTokenCreated, AuditOutcomes.Success,
                ActorId: accountId, SubjectId: token.Id, Detail: $"name '{name}', {lifetimeDays} days, under the {policy.Describe()}"));
            return new CreationDecided(null, policy.Describe(), token, account.Email, org.Name);
        }, cancellationToken);

        if (decided.Refused is { } refusal)
        {
            await audit.WriteAsync(new AuditEvent(organisationId, AuditActions.ApiTokenRefused, AuditOutcomes.Denied,
                ActorId: accountId, SubjectId: accountId, Detail: $"creation refused: {refusal.Rule} under the {decided.Policy}"), cancellationToken);
            return new ApiTokenCreation.Refused(refusal.Rule, refusal.Description,
                refusal.Rule == ApiTokenRuleCodes.Lifetime ? "lifetimeDays" : null);
        }

        var created = decided.Token!;
        mail.Enqueue(SecurityNoticeEmail.Compose(SecurityNotice.ApiTokenCreated, decided.Email,
            $"\"{name}\" for {decided.OrgName}, valid until {created.ExpiresAt.UtcDateTime:d MMMM yyyy}", now));
        return new ApiTokenCreation.Created(created.Id, secret.Presented, created.ExpiresAt);
    }

    public async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(string accountId, string organisationId, CancellationToken cancellationToken)
    {
        var tokens = await db.ApiTokens.AsNoTracking()
            .Where(t => t.AccountId == accountId && t.OrganisationId == organisationId)
            .OrderByDescending(t => t.CreatedAt)
            .ToListAsync(cancellationToken);
        return tokens.Select(t => new ApiTokenSummary(
            t.Id, t.Name, t.OrganisationId, t.CreatedAt, t.ExpiresAt, usage.LastUsed(t.Id, t.LastUsedAt), t.RevokedAt)).ToList();
    }

    /// <summary>False when the account has no such token in the org (someone else's answers the same way).</summary>
    public async Task<bool> RevokeAsync(string accountId, string organisationId, string tokenId, CancellationToken cancellationToken)
    {
        // Revoked once, with one audit line, however many revocations arrive together.
        return await db.RunSerializableAsync(async ct =>
        {
            var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.AccountId == accountId && t.OrganisationId == organisationId, ct);
            if (token is null)
            {
                return false;
            }

            if (token.RevokedAt is null)
            {
                token.RevokedAt = clock.GetUtcNow();
                audit.Stage(new AuditEvent(organisationId, AuditActions.ApiTokenRevoked, AuditOutcomes.Success,
                    ActorId: accountId, SubjectId: token.Id, Detail: $"name '{token.Name}'"));
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>The organisations the account belongs to, for choosing where a token lives.</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> MembershipsAsync(string accountId, CancellationToken cancellationToken)
    {
        var orgs = await (
                from member in db.OrganisationMembers.AsNoTracking()
                join org in db.Organisations.AsNoTracking() on member.OrganisationId equals org.Id
                where member.AccountId == accountId
                orderby org.Id
                select new { org.Id, org.Name })
            .ToListAsync(cancellationToken);
        return orgs.Select(o => (o.Id, o.Name)).ToList();
    }

    /// <summary>
    /// A token belongs to an org, not an app, so creation asks about the org as a whole: an account whose
    /// highest grant on the org's apps is guest is a guest there. The exchange checks the role on the
    /// exchanging app again.
    /// </summary>
    private async Task<bool> IsGuestInAsync(string accountId, string organisationId, CancellationToken cancellationToken)
    {
        var direct = await (
                from grant in db.RoleGrants.AsNoTracking()
                join app in db.Apps.AsNoTracking() on grant.AppClientId equals app.ClientId
                where grant.AccountId == accountId && app.OrganisationId == organisationId
                select grant.Role)
            .ToListAsync(cancellationToken);
        var viaGroups = await (
                from member in db.GroupMembers.AsNoTracking()
                join grant in db.GroupAppRoles.AsNoTracking() on member.GroupId equals grant.GroupId
                join app in db.Apps.AsNoTracking() on grant.AppClientId equals app.ClientId
                where member.AccountId == accountId && app.OrganisationId == organisationId
                select grant.Role)
            .ToListAsync(cancellationToken);
        return EffectiveRole.Resolve(direct, viaGroups) == AppRole.Guest;
    }

    /// <summary>What the creation transaction decided, with what the answer and the notice need after it commits.</summary>
    private sealed record CreationDecided(ApiTokenDecision.Refused? Refused, string Policy, ApiToken? Token, string Email, string OrgName);
}
