using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Verification;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Api;

/// <summary><c>/api/orgs/{org}/external-policy</c>: read, replace and preview the external-user policy (contract sections 3, 6).</summary>
public static class ExternalPolicyApi
{
    public static RouteGroupBuilder MapExternalPolicyApi(this RouteGroupBuilder org)
    {
        org.MapGet("/external-policy", async (HttpContext http, StepUpDbContext db) =>
        {
            var organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == OrgCaller.From(http).OrganisationId, http.RequestAborted);
            return Results.Ok(ExternalUserPolicyDocument.From(organisation.ExternalPolicy.ToPolicy()));
        });

        org.MapPut("/external-policy", async (HttpContext http, StepUpDbContext db, AuditLog audit) =>
        {
            var (candidate, problem) = await ReadPolicyAsync(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var organisation = await db.Organisations.SingleAsync(o => o.Id == caller.OrganisationId, http.RequestAborted);
            var before = organisation.ExternalPolicy.ToPolicy();
            organisation.ExternalPolicy.CopyFrom(candidate!);
            // The change and its audit line are saved together, or neither is.
            audit.Stage(new AuditEvent(caller.OrganisationId, AuditActions.PolicyChanged, AuditOutcomes.Success,
                caller.AccountId, caller.OrganisationId, PolicyDiff.Describe(before, candidate!)));
            await db.SaveChangesAsync(http.RequestAborted);
            return Results.Ok(ExternalUserPolicyDocument.From(candidate!));
        });

        org.MapPost("/external-policy/preview", async (HttpContext http, StepUpDbContext db, OrganisationPeople people, IVerificationStore store, TimeProvider clock) =>
        {
            var (candidate, problem) = await ReadPolicyAsync(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var organisation = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == caller.OrganisationId, http.RequestAborted);
            var current = organisation.ExternalPolicy.ToPolicy();
            var externals = await people.ListExternalAsync(caller.OrganisationId, http.RequestAborted);
            var now = clock.GetUtcNow();

            IReadOnlyDictionary<string, VerificationRecord> records;
            try
            {
                records = await store.GetManyAsync(caller.OrganisationId, externals.Select(p => p.AccountId).ToList());
            }
            catch (VerificationStoreUnavailableException)
            {
                return ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.VerificationUnavailable,
                    "Verification state is temporarily unavailable; try the preview again in a few minutes.");
            }

            var mustVerifyAgain = externals.Where(p =>
            {
                var record = records.GetValueOrDefault(p.AccountId);
                return ReverificationSchedule.Evaluate(current, record, now) is VerificationStatus.Counting or VerificationStatus.NotRequired
                    && ReverificationSchedule.Evaluate(candidate!, record, now) is VerificationStatus.Due;
            });
            IEnumerable<OrganisationPerson> loseApiTokens = [];
            if (current.ApiTokens == ApiTokenAccess.Allow && candidate!.ApiTokens == ApiTokenAccess.Block)
            {
                // Those holding a live token of this org: it would be refused at its next exchange.
                var holders = (await db.ApiTokens.AsNoTracking()
                        .Where(t => t.OrganisationId == caller.OrganisationId && t.RevokedAt == null)
                        .Select(t => new { t.AccountId, t.ExpiresAt })
                        .ToListAsync(http.RequestAborted))
                    .Where(t => t.ExpiresAt > now)
                    .Select(t => t.AccountId)
                    .ToHashSet(StringComparer.Ordinal);
                loseApiTokens = externals.Where(p => holders.Contains(p.AccountId));
            }

            return Results.Ok(new
            {
                policy = ExternalUserPolicyDocument.From(candidate!),
                mustVerifyAgain = mustVerifyAgain.Select(Describe),
                loseApiTokenAccess = loseApiTokens.Select(Describe),
            });
        });

        return org;
    }

    private static object Describe(OrganisationPerson person) => new { id = person.AccountId, email = person.Email, name = person.Name };

    private static async Task<(ExternalUserPolicy? Policy, IResult? Problem)> ReadPolicyAsync(HttpContext http)
    {
        var (document, problem) = await JsonBody.ReadAsync<ExternalUserPolicyDocument>(http);
        if (problem is not null)
        {
            return (null, problem);
        }

        return ExternalUserPolicyValidator.Validate(document) switch
        {
            ExternalUserPolicyValidation.Valid valid => (valid.Policy, null),
            ExternalUserPolicyValidation.Invalid invalid => (null, ProblemTypes.ValidationFailed(invalid.Errors, "The policy has invalid fields; nothing was changed.")),
            _ => throw new InvalidOperationException("Unknown validation outcome."),
        };
    }
}
