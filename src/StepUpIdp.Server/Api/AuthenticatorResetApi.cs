using StepUpIdp.Domain.Audit;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Verification;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TwoStep;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>POST /api/orgs/{org}/external-users/{id}/reset-authenticator</c>: an org admin removes a (lost) authenticator
/// app of one of the org's external users, with its recovery codes, and makes the user verify again. The user then
/// sets up a new app at the next sign-in where one is required. Internal users are their own org's business:
/// they remove it themselves after a fresh code.
/// </summary>
public static class AuthenticatorResetApi
{
    public static RouteGroupBuilder MapAuthenticatorResetApi(this RouteGroupBuilder org)
    {
        org.MapPost("/external-users/{id}/reset-authenticator", async (HttpContext http, string id, OrganisationPeople people,
            AuthenticatorEnrolment enrolment, IVerificationStore verifications, AuditLog audit) =>
        {
            var caller = OrgCaller.From(http);
            var externals = await people.ListExternalAsync(caller.OrganisationId, http.RequestAborted);
            if (externals.All(p => p.AccountId != id))
            {
                return ProblemTypes.NotFoundProblem("An external user with this id");
            }

            try
            {
                // A verification made with the removed app must not keep counting.
                await verifications.ResetAsync(caller.OrganisationId, id);
            }
            catch (VerificationStoreUnavailableException)
            {
                return ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.VerificationUnavailable,
                    "Verification state is temporarily unavailable; try again in a few minutes.");
            }

            var removed = await enrolment.ResetAsync(id, http.RequestAborted);
            await audit.WriteAsync(new AuditEvent(caller.OrganisationId, AuditActions.TotpDisabled, AuditOutcomes.Success, caller.AccountId, id,
                removed ? "authenticator app reset by an admin" : "authenticator reset by an admin (none was set up)"), http.RequestAborted);
            return Results.NoContent();
        });

        return org;
    }
}
