using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Redis.Verification;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Api;

/// <summary><c>/api/orgs/{org}/external-users</c>: who is external, when they last verified, when they are due, lock state.</summary>
public static class ExternalUsersApi
{
    public static RouteGroupBuilder MapExternalUsersApi(this RouteGroupBuilder org)
    {
        org.MapGet("/external-users", async (HttpContext http, StepUpDbContext db, OrganisationPeople people,
            IVerificationStore verifications, IPasscodeChallengeStore challenges, TimeProvider clock) =>
        {
            var caller = OrgCaller.From(http);
            var policy = (await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == caller.OrganisationId, http.RequestAborted)).ExternalPolicy.ToPolicy();
            var externals = await people.ListExternalAsync(caller.OrganisationId, http.RequestAborted);
            var now = clock.GetUtcNow();
            try
            {
                var records = await verifications.GetManyAsync(caller.OrganisationId, externals.Select(p => p.AccountId).ToList());
                var users = new List<object>(externals.Count);
                foreach (var person in externals)
                {
                    var record = records.GetValueOrDefault(person.AccountId);
                    var status = ReverificationSchedule.Evaluate(policy, record, now);
                    var lockedUntil = await challenges.GetLockAsync(person.AccountId, now);
                    users.Add(new
                    {
                        id = person.AccountId,
                        email = person.Email,
                        name = person.Name,
                        guest = person.IsGuestSomewhere,
                        lastVerifiedAt = record?.VerifiedAt,
                        method = record?.Method.ToWireName(),
                        status = status switch
                        {
                            VerificationStatus.Counting => "verified",
                            VerificationStatus.NotRequired => "not_required",
                            _ => "due",
                        },
                        dueAt = status is VerificationStatus.Counting counting ? counting.ReverifyAt : (DateTimeOffset?)null,
                        locked = lockedUntil is not null,
                        lockedUntil,
                    });
                }

                return Results.Ok(new { users });
            }
            catch (VerificationStoreUnavailableException)
            {
                return Unavailable();
            }
        });

        org.MapPost("/external-users/{id}/reset-verification", (HttpContext http, string id, OrganisationPeople people, IVerificationStore verifications, AuditLog audit) =>
            ActOnExternalUserAsync(http, id, people, audit, AuditActions.VerificationReset, async () =>
            {
                await verifications.ResetAsync(OrgCaller.From(http).OrganisationId, id);
                return "verification reset by an admin";
            }));

        org.MapPost("/external-users/{id}/unlock", (HttpContext http, string id, OrganisationPeople people, IPasscodeChallengeStore challenges, AuditLog audit) =>
            ActOnExternalUserAsync(http, id, people, audit, AuditActions.VerificationUnlocked, async () =>
            {
                await challenges.UnlockAsync(id);
                return "verification unlocked by an admin";
            }));

        return org;
    }

    /// <summary>
    /// An admin action on one external user of the caller's org: 404 unless the id is one, 503 when Redis is
    /// down, otherwise the action and an audit line with the detail it returns.
    /// </summary>
    internal static async Task<IResult> ActOnExternalUserAsync(HttpContext http, string id, OrganisationPeople people, AuditLog audit,
        string action, Func<Task<string>> act)
    {
        var caller = OrgCaller.From(http);
        var externals = await people.ListExternalAsync(caller.OrganisationId, http.RequestAborted);
        if (externals.All(p => p.AccountId != id))
        {
            return ProblemTypes.NotFoundProblem("An external user with this id");
        }

        string detail;
        try
        {
            detail = await act();
        }
        catch (VerificationStoreUnavailableException)
        {
            return Unavailable();
        }

        await audit.WriteAsync(new AuditEvent(caller.OrganisationId, action, AuditOutcomes.Success, caller.AccountId, id, detail), http.RequestAborted);
        return Results.NoContent();
    }

    private static IResult Unavailable() => ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.VerificationUnavailable,
        "Verification state is temporarily unavailable; try again in a few minutes.");
}
