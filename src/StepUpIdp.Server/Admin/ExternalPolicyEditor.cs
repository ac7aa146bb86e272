using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Admin;

/// <summary>The effect of a candidate policy, before it is saved.</summary>
public sealed record PolicyPreview(
    ExternalUserPolicy Policy,
    IReadOnlyList<OrganisationPerson> MustVerifyAgain,
    IReadOnlyList<OrganisationPerson> LoseApiTokenAccess);

/// <summary>The answer to a preview: exactly one of the nested cases.</summary>
public abstract record PolicyPreviewOutcome
{
    private PolicyPreviewOutcome()
    {
    }

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : PolicyPreviewOutcome;

    /// <summary>Redis could not be read, so who is due cannot be told.</summary>
    public sealed record Unavailable : PolicyPreviewOutcome;

    public sealed record Ready(PolicyPreview Preview) : PolicyPreviewOutcome;
}

/// <summary>
/// Reads, previews and replaces an organisation's external-user policy. The admin API and the admin pages both
/// go through here, so a policy is validated, saved and audited the same way whichever door the admin used.
/// </summary>
public sealed class ExternalPolicyEditor(StepUpDbContext db, AuditLog audit, OrganisationPeople people, SignInSessions sessions, TimeProvider clock)
{
    public async Task<ExternalUserPolicy> ReadAsync(string organisationId, CancellationToken cancellationToken) =>
        (await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == organisationId, cancellationToken)).ExternalPolicy.ToPolicy();

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

        var organisation = await db.Organisations.SingleAsync(o => o.Id == organisationId, cancellationToken);
        var before = organisation.ExternalPolicy.ToPolicy();
        organisation.ExternalPolicy.CopyFrom(candidate);
        // The change and its audit line are saved together, or neither is.
        audit.Stage(new AuditEvent(organisationId, AuditActions.PolicyChanged, AuditOutcomes.Success,
            adminId, organisationId, PolicyDiff.Describe(before, candidate)));
        await db.SaveChangesAsync(cancellationToken);
        return validation;
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

        var current = await ReadAsync(organisationId, cancellationToken);
        var externals = await people.ListExternalAsync(organisationId, cancellationToken);
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

        // Those verified now (in at least one session) whom the candidate would ask again in every session.
        var mustVerifyAgain = externals.Where(p =>
        {
            var personSessions = live.GetValueOrDefault(p.AccountId) ?? [];
            return SessionVerificationSummary.CountsAnywhere(current, personSessions, organisationId, now)
                && !SessionVerificationSummary.CountsAnywhere(candidate, personSessions, organisationId, now);
        }).ToList();

        IReadOnlyList<OrganisationPerson> loseApiTokens = [];
        if (current.ApiTokens == ApiTokenAccess.Allow && candidate.ApiTokens == ApiTokenAccess.Block)
        {
            // Those holding a live token of this org: it would be refused at its next exchange.
            var holders = (await db.ApiTokens.AsNoTracking()
                    .Where(t => t.OrganisationId == organisationId && t.RevokedAt == null)
                    .Select(t => new { t.AccountId, t.ExpiresAt })
                    .ToListAsync(cancellationToken))
                .Where(t => t.ExpiresAt > now)
                .Select(t => t.AccountId)
                .ToHashSet(StringComparer.Ordinal);
            loseApiTokens = externals.Where(p => holders.Contains(p.AccountId)).ToList();
        }

        return new PolicyPreviewOutcome.Ready(new PolicyPreview(candidate, mustVerifyAgain, loseApiTokens));
    }
}
