namespace StepUpIdp.Server.Api;

/// <summary>The organisation APIs under <c>/api/orgs/{org}</c> (contract section 6).</summary>
public static class OrgApi
{
    public static IEndpointRouteBuilder MapOrgApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/orgs/{org}").RequireOrgAdmin().DisableAntiforgery();
        admin.MapAuditApi();
        admin.MapExternalPolicyApi();
        admin.MapExternalUsersApi();
        ApiTokens.ApiTokenRulesApi.MapApiTokenRulesApi(endpoints); // any member, not only admins
        admin.MapGuestsApi();
        admin.MapAuthenticatorResetApi();
        admin.MapDomainsApi();
        admin.MapAppsApi();
        return endpoints;
    }
}
