namespace StepUpIdp.Server.Api;

/// <summary>The organisation APIs under <c>/api/orgs/{org}</c> (README, "Admin API"; docs/admin-guide.md).</summary>
public static class OrgApi
{
    public static IEndpointRouteBuilder MapOrgApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/orgs/{org}").RequireOrgAdmin().DisableAntiforgery();
        admin.MapAuditApi();
        admin.MapExternalPolicyApi();
        admin.MapExternalPoliciesApi();
        admin.MapExternalUsersApi();
        ApiTokens.ApiTokenRulesApi.MapApiTokenRulesApi(endpoints); // any member, not only admins
        admin.MapGuestsApi();
        admin.MapAuthenticatorResetApi();
        admin.MapDomainsApi();
        admin.MapAppsApi();
        admin.MapUsersApi();
        admin.MapGroupsApi();
        return endpoints;
    }
}
