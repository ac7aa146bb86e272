using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.ApiTokens;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Policies;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Admin;

/// <summary>Someone a change would move from one of the org's policies to another.</summary>
public sealed record PolicyMove(OrganisationPerson Person, ScopedExternalPolicy From, ScopedExternalPolicy To);

/// <summary>The effect of a candidate policy, before it is saved.</summary>
public sealed record PolicyPreview(
    ExternalUserPolicy Policy,
    IReadOnlyList<OrganisationPerson> MustVerifyAgain,
    IReadOnlyList<OrganisationPerson> LoseApiTokenAccess)
{
    /// <summary>Those whose policy in force would change (a domain or pilot account added or removed).</summary>
    public IReadOnlyList<PolicyMove> Moves { get; init; } = [];
}

/// <summary>The answer to a preview: exactly one of the nested cases.</summary>
public abstract record PolicyPreviewOutcome
{
    private PolicyPreviewOutcome()
    {
    }

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : PolicyPreviewOutcome;

    /// <summary>Redis could not be read, so who is due cannot be told.</summary>
    public sealed record Unavailable : PolicyPreviewOutcome;

    /// <summary>No named policy has that id.</summary>
    public sealed record NotFound : PolicyPreviewOutcome;

    public sealed record Ready(PolicyPreview Preview) : PolicyPreviewOutcome;
}

/// <summary>What saving a named policy came to.</summary>
public abstract record NamedPolicySave
{
    private NamedPolicySave()
    {
    }

    public sealed record Saved(ScopedExternalPolicy Policy) : NamedPolicySave;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : NamedPolicySave;

    public sealed record NotFound : NamedPolicySave;
}

/// <summary>
/// Reads, previews and replaces an organisation's external-user policies: the default one and the named ones (domain
/// policies and the pilot, docs/external-policies.md). The admin API and the admin pages both go through here, so a
/// policy is validated, saved and audited the same way whichever door the admin used.
/// </summary>
public sealed class ExternalPolicyEditor(
    StepUpDbContext db, ExternalPolicyStore store, AuditLog audit, OrganisationPeople people, SignInSessions sessions, TimeProvider clock)
{
    public async Task<ExternalUserPolicy> ReadAsync(string organisationId, CancellationToken cancellationToken) =>
        (await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == organisationId, cancellationToken)).ExternalPolicy.ToPolicy();

    /// <summary>Every policy of the org: the default one and the named ones.</summary>
    public Task<OrganisationPolicies> ListAsync(string organisationId, CancellationToken cancellationToken) =>
        store.LoadAsync(organisationId, cancellationToken);

    /// <summary>
    /// Validates the whole document and, when every field is valid, stores it with its audit line in one save.
    /// An invalid document changes nothing.
    /// </summary>
    public async Task<ExternalUserPolicyValidation> SaveAsync(string organisationId, string adminId, ExternalUserPolicyDocument? document,
        CancellationToken cancellationToken)
    {
        var validation = ExternalUserPolicyValidator.Validate(document);
        if (validation is not ExternalUserPolicyValidation.Valid { Policy: var candidate })
        {
            return validation;
        }

        // The change and its audit line are saved together, or neither is; serializable (retried on a conflict), so
        // each audit line describes the change from the policy the one before it left.
        return await db.RunSerializableAsync(async ct =>
        {
            var organisation = await db.Organisations.SingleAsync(o => o.Id == organisationId, ct);
            var before = organisation.ExternalPolicy.ToPolicy();
            organisation.ExternalPolicy.CopyFrom(candidate);
            audit.Stage(new AuditEvent(organisationId, AuditActions.PolicyChanged, AuditOutcomes.Success,
                adminId, organisationId, "default policy: " + PolicyDiff.Describe(before, candidate)));
            return validation;
        }, cancellationToken);
    }

    /// <summary>Who would have to verify again at once, and who would lose API-token access, if the document were saved. Writes nothing.</summary>
    public async Task<PolicyPreviewOutcome> PreviewAsync(string organisationId, ExternalUserPolicyDocument? document, CancellationToken cancellationToken)
    {
        ExternalUserPolicy candidate;
        switch (ExternalUserPolicyValidator.Validate(document))
        {
            case ExternalUserPolicyValidation.Valid valid:
                candidate = valid.Policy;
                break;
            case ExternalUserPolicyValidation.Invalid invalid:
                return new PolicyPreviewOutcome.Invalid(invalid.Errors);
            default:
                throw new InvalidOperationException("Unknown validation outcome.");
        }

        var current = await store.LoadAsync(organisationId, cancellationToken);
        var externals = await people.ListExternalAsync(organisationId, cancellationToken);
        return await CompareAsync(organisationId, externals, current, current.With(ScopedExternalPolicy.ForDefault(candidate)), candidate, cancellationToken);
    }

    /// <summary>
    /// Creates (<paramref name="id"/> null) or replaces a named policy: validated against the org's other policies, saved
    /// with its audit line in one serializable transaction, so two admins cannot put one domain in two policies.
    /// </summary>
    public async Task<NamedPolicySave> SaveNamedAsync(string organisationId, string adminId, string? id, ScopedExternalPolicyDocument? document,
        CancellationToken cancellationToken)
    {
        var newId = id ?? NewId();
        return await db.RunSerializableAsync<NamedPolicySave>(async ct =>
        {
            var stored = id is null
                ? null
                : await db.ExternalPolicies.Include(p => p.Domains).Include(p => p.PilotAccounts)
                    .SingleOrDefaultAsync(p => p.Id == id && p.OrganisationId == organisationId, ct);
            if (id is not null && stored is null)
            {
                return new NamedPolicySave.NotFound();
            }

            var current = await store.LoadAsync(organisationId, ct);
            var externals = await people.ListExternalAsync(organisationId, ct);
            var validation = await ValidateAsync(organisationId, newId, document, current, externals, ct);
            if (validation is ScopedPolicyValidation.Invalid invalid)
            {
                return new NamedPolicySave.Invalid(invalid.Errors);
            }

            var candidate = ((ScopedPolicyValidation.Valid)validation).Policy;
            var before = current.Find(newId);
            if (stored is null)
            {
                stored = new NamedExternalPolicy { Id = newId, OrganisationId = organisationId, Name = candidate.Name, CreatedAt = clock.GetUtcNow() };
                db.ExternalPolicies.Add(stored);
            }

            stored.Name = candidate.Name;
            stored.Scope = candidate.Scope;
            stored.Settings.CopyFrom(candidate.Policy);
            // Rows that stay are kept: removing and re-adding one key in a single save is not allowed.
            stored.Domains.RemoveAll(d => !candidate.Domains.Contains(d.Domain, StringComparer.Ordinal));
            foreach (var domain in candidate.Domains.Where(d => stored.Domains.All(s => s.Domain != d)))
            {
                stored.Domains.Add(new ExternalPolicyDomain { OrganisationId = organisationId, Domain = domain, PolicyId = newId });
            }

            stored.PilotAccounts.RemoveAll(a => candidate.PilotAccounts.All(p => p.AccountId != a.AccountId));
            foreach (var account in candidate.PilotAccounts.Where(p => stored.PilotAccounts.All(s => s.AccountId != p.AccountId)))
            {
                stored.PilotAccounts.Add(new ExternalPolicyPilotAccount { PolicyId = newId, AccountId = account.AccountId });
            }

            audit.Stage(new AuditEvent(organisationId, AuditActions.PolicyChanged, AuditOutcomes.Success, adminId, newId,
                before is null ? $"{candidate.Describe()} added: {Who(candidate)}" : $"{candidate.Describe()}: {NamedDiff(before, candidate)}"));
            return new NamedPolicySave.Saved(candidate);
        }, cancellationToken);
    }

    /// <summary>Removes a named policy; its people fall back to the next policy in precedence. False when there is none with that id.</summary>
    public async Task<bool> DeleteNamedAsync(string organisationId, string adminId, string id, CancellationToken cancellationToken)
    {
        // Removed once, with one audit line, however many removals arrive together.
        return await db.RunSerializableAsync(async ct =>
        {
            var stored = await db.ExternalPolicies.Include(p => p.Domains).Include(p => p.PilotAccounts)
                .SingleOrDefaultAsync(p => p.Id == id && p.OrganisationId == organisationId, ct);
            if (stored is null)
            {
                return false;
            }

            db.ExternalPolicies.Remove(stored);
            audit.Stage(new AuditEvent(organisationId, AuditActions.PolicyChanged, AuditOutcomes.Success, adminId, id,
                $"policy \"{stored.Name}\" ({id}) removed"));
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// The effect of saving <paramref name="document"/> as the named policy <paramref name="id"/> (null: a new one): who
    /// would verify again at once, who would lose API-token access, who would move between policies. Writes nothing.
    /// </summary>
    public async Task<PolicyPreviewOutcome> PreviewNamedAsync(string organisationId, string? id, ScopedExternalPolicyDocument? document,
        CancellationToken cancellationToken)
    {
        var current = await store.LoadAsync(organisationId, cancellationToken);
        if (id is not null && current.Named.All(p => p.Id != id))
        {
            return new PolicyPreviewOutcome.NotFound();
        }

        var externals = await people.ListExternalAsync(organisationId, cancellationToken);
        var validation = await ValidateAsync(organisationId, id ?? "new", document, current, externals, cancellationToken);
        if (validation is ScopedPolicyValidation.Invalid invalid)
        {
            return new PolicyPreviewOutcome.Invalid(invalid.Errors);
        }

        var candidate = ((ScopedPolicyValidation.Valid)validation).Policy;
        return await CompareAsync(organisationId, externals, current, current.With(candidate), candidate.Policy, cancellationToken);
    }

    private async Task<ScopedPolicyValidation> ValidateAsync(string organisationId, string id, ScopedExternalPolicyDocument? document,
        OrganisationPolicies current, IReadOnlyList<OrganisationPerson> externals, CancellationToken cancellationToken)
    {
        var domains = await db.OrganisationDomains.AsNoTracking()
            .Where(d => d.OrganisationId == organisationId).Select(d => d.Domain).ToListAsync(cancellationToken);
        return ScopedExternalPolicyValidator.Validate(document, id, current, domains, externals.Select(p => new PilotAccount(p.AccountId, p.Email)).ToList());
    }

    /// <summary>Each external user's policy now and under the candidate set, and what the difference does to them.</summary>
    private async Task<PolicyPreviewOutcome> CompareAsync(string organisationId, IReadOnlyList<OrganisationPerson> externals,
        OrganisationPolicies current, OrganisationPolicies candidate, ExternalUserPolicy candidatePolicy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();

        IReadOnlyDictionary<string, IReadOnlyList<Domain.Sessions.SignInSession>> live;
        try
        {
            live = await sessions.ListManyAsync(externals.Select(p => p.AccountId).ToList());
        }
        catch (VerificationStoreUnavailableException)
        {
            return new PolicyPreviewOutcome.Unavailable();
        }

        var mustVerifyAgain = new List<OrganisationPerson>();
        var moves = new List<PolicyMove>();
        var maybeLoseApiTokens = new List<(OrganisationPerson Person, ExternalUserPolicy Before, ExternalUserPolicy After)>();
        foreach (var person in externals)
        {
            var subject = new PolicySubject(person.AccountId, person.Email, person.UserType);
            var before = ExternalPolicyResolver.Resolve(current, subject);
            var after = ExternalPolicyResolver.Resolve(candidate, subject);
            var personSessions = live.GetValueOrDefault(person.AccountId) ?? [];
            // Verified now (in at least one session), but asked again in every session under the candidate.
            if (SessionVerificationSummary.CountsAnywhere(before.Policy, personSessions, organisationId, now)
                && !SessionVerificationSummary.CountsAnywhere(after.Policy, personSessions, organisationId, now))
            {
                mustVerifyAgain.Add(person);
            }

            if (before.Id != after.Id)
            {
                moves.Add(new PolicyMove(person, before, after));
            }

            // Blocked, or a lower maximum lifetime that ends tokens already made (checked at every exchange).
            if (before.Policy.ApiTokens == ApiTokenAccess.Allow
                && (after.Policy.ApiTokens == ApiTokenAccess.Block || after.Policy.ApiTokenMaxLifetimeDays < before.Policy.ApiTokenMaxLifetimeDays))
            {
                maybeLoseApiTokens.Add((person, before.Policy, after.Policy));
            }
        }

        IReadOnlyList<OrganisationPerson> loseApiTokens = [];
        if (maybeLoseApiTokens.Count > 0)
        {
            // Those holding a token of this org that works now and would be refused at its next exchange.
            var held = (await db.ApiTokens.AsNoTracking()
                    .Where(t => t.OrganisationId == organisationId && t.RevokedAt == null)
                    .Select(t => new { t.AccountId, t.CreatedAt, t.ExpiresAt })
                    .ToListAsync(cancellationToken))
                .ToLookup(t => t.AccountId, StringComparer.Ordinal);
            loseApiTokens = maybeLoseApiTokens
                .Where(p => held[p.Person.AccountId].Any(t =>
                    now < ApiTokenRules.EndOf(t.CreatedAt, t.ExpiresAt, p.Before)
                    && (p.After.ApiTokens == ApiTokenAccess.Block || now >= ApiTokenRules.EndOf(t.CreatedAt, t.ExpiresAt, p.After))))
                .Select(p => p.Person)
                .ToList();
        }

        return new PolicyPreviewOutcome.Ready(new PolicyPreview(candidatePolicy, mustVerifyAgain, loseApiTokens) { Moves = moves });
    }

    private static string NewId() => "pol_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Who(ScopedExternalPolicy policy) => policy.Scope == ExternalPolicyScope.Pilot
        ? $"pilot accounts [{string.Join(", ", policy.PilotAccounts.Select(a => a.Email))}]"
        : $"domains [{string.Join(", ", policy.Domains)}]";

    private static string NamedDiff(ScopedExternalPolicy before, ScopedExternalPolicy after)
    {
        var changes = new List<string>();
        if (before.Name != after.Name)
        {
            changes.Add($"name \"{before.Name}\" -> \"{after.Name}\"");
        }

        if (Who(before) != Who(after))
        {
            changes.Add($"{Who(before)} -> {Who(after)}");
        }

        var fields = PolicyDiff.Describe(before.Policy, after.Policy);
        if (fields != "no change")
        {
            changes.Add(fields);
        }

        return changes.Count == 0 ? "no change" : string.Join("; ", changes);
    }
}
