using StepUpIdp.Domain.Audit;
using StepUpIdp.Infrastructure.Audit;
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
        org.MapPost("/external-users/{id}/reset-authenticator", (HttpContext http, string id, OrganisationPeople people,
            AuthenticatorEnrolment enrolment, IVerificationStore verifications, AuditLog audit) =>
            ExternalUsersApi.ActOnExternalUserAsync(http, id, people, audit, AuditActions.TotpDisabled, async () =>
            {
                // A verification made with the removed app must not keep counting.
                await verifications.ResetAsync(OrgCaller.From(http).OrganisationId, id);
                return await enrolment.ResetAsync(id, http.RequestAborted)
                    ? "authenticator app reset by an admin"
                    : "authenticator reset by an admin (none was set up)";
            }));

        return org;
    }
}
