using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.Admin;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>/api/orgs/{org}/external-users</c>: who is external, when they last verified, when they are due, lock state;
/// reset a verification or unlock it. The rules live in <see cref="ExternalUserRoster"/>, shared with the admin pages.
/// </summary>
public static class ExternalUsersApi
{
    public static RouteGroupBuilder MapExternalUsersApi(this RouteGroupBuilder org)
    {
        org.MapGet("/external-users", async (HttpContext http, ExternalUserRoster roster) =>
        {
            try
            {
                var users = await roster.ListAsync(OrgCaller.From(http).OrganisationId, http.RequestAborted);
                return Results.Ok(new
                {
                    users = users.Select(u => new
                    {
                        id = u.Person.AccountId,
                        email = u.Person.Email,
                        name = u.Person.Name,
                        guest = u.Person.IsGuestSomewhere,
                        lastVerifiedAt = u.LastVerifiedAt,
                        method = u.Method?.ToWireName(),
                        status = u.StatusName,
                        sessions = u.Sessions,
                        verifiedSessions = u.VerifiedSessions,
                        dueAt = u.DueAt,
                        locked = u.LockedUntil is not null,
                        lockedUntil = u.LockedUntil,
                        policy = new { id = u.Policy.Id, name = u.Policy.Name },
                    }),
                });
            }
            catch (VerificationStoreUnavailableException)
            {
                return Unavailable();
            }
        });

        org.MapPost("/external-users/{id}/reset-verification", async (HttpContext http, string id, ExternalUserRoster roster) =>
            Answer(await roster.ResetVerificationAsync(OrgCaller.From(http).OrganisationId, OrgCaller.From(http).AccountId, id, http.RequestAborted)));

        org.MapPost("/external-users/{id}/end-access", async (HttpContext http, string id, ExternalUserRoster roster) =>
            Answer(await roster.EndAccessAsync(OrgCaller.From(http).OrganisationId, OrgCaller.From(http).AccountId, id, http.RequestAborted)));

        org.MapPost("/external-users/{id}/unlock", async (HttpContext http, string id, ExternalUserRoster roster) =>
            Answer(await roster.UnlockAsync(OrgCaller.From(http).OrganisationId, OrgCaller.From(http).AccountId, id, http.RequestAborted)));

        return org;
    }

    /// <summary>
    /// 204 when done, 404 unless the id is a person of the org (an external user, for actions on the org's own
    /// records), 403 when the action reaches a whole account the org does not manage, 503 when Redis is down.
    /// </summary>
    internal static IResult Answer(ExternalUserActionResult result) => result switch
    {
        ExternalUserActionResult.Done => Results.NoContent(),
        ExternalUserActionResult.NotFound => ProblemTypes.NotFoundProblem("An external user with this id"),
        ExternalUserActionResult.Unavailable => Unavailable(),
        ExternalUserActionResult.NotManaged => ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.AccountNotManaged,
            "Only the organisation that manages this account may do this.",
            "The account's email domain is not one of this organisation's verified domains, and the action would change the account for every organisation it uses."),
        _ => throw new InvalidOperationException("Unknown action result."),
    };

    private static IResult Unavailable() => ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.VerificationUnavailable,
        "Verification state is temporarily unavailable; try again in a few minutes.");
}
