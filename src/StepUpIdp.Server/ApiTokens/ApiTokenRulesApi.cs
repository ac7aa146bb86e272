using StepUpIdp.Domain.ApiTokens;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Api;

namespace StepUpIdp.Server.ApiTokens;

public static class ApiTokenRulesApi
{
    /// <summary><c>GET /api/orgs/{org}/api-token-rules</c>: the rules in force for the calling member (their policy's).</summary>
    public static IEndpointRouteBuilder MapApiTokenRulesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/orgs/{org}/api-token-rules", async (HttpContext http, ExternalPolicyStore policies) =>
        {
            var caller = OrgCaller.From(http);
            var policy = await policies.ForAccountAsync(caller.OrganisationId, caller.AccountId, isGuest: false, http.RequestAborted);
            return policy is null ? Results.NotFound() : Results.Ok(ApiTokenRulesView.From(policy));
        }).RequireOrgMember();
        return endpoints;
    }
}
