using StepUpIdp.Server.Admin;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>POST /api/orgs/{org}/external-users/{id}/reset-authenticator</c>: an org admin removes a (lost) authenticator
/// app of one of the org's external users, with its recovery codes, and makes the user verify again. The user then
/// sets up a new app at the next sign-in where one is required. See <see cref="ExternalUserRoster.ResetAuthenticatorAsync"/>.
/// </summary>
public static class AuthenticatorResetApi
{
    public static RouteGroupBuilder MapAuthenticatorResetApi(this RouteGroupBuilder org)
    {
        org.MapPost("/external-users/{id}/reset-authenticator", async (HttpContext http, string id, ExternalUserRoster roster) =>
            ExternalUsersApi.Answer(await roster.ResetAuthenticatorAsync(OrgCaller.From(http).OrganisationId, OrgCaller.From(http).AccountId, id, http.RequestAborted)));

        return org;
    }
}
