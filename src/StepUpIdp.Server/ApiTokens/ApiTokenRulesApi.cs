using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.ApiTokens;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Api;

namespace StepUpIdp.Server.ApiTokens;

public static class ApiTokenRulesApi
{
    /// <summary><c>GET /api/orgs/{org}/api-token-rules</c>: the rules in force, for any member.</summary>
    public static IEndpointRouteBuilder MapApiTokenRulesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/orgs/{org}/api-token-rules", async (HttpContext http, StepUpDbContext db) =>
        {
            var caller = OrgCaller.From(http);
            var org = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == caller.OrganisationId, http.RequestAborted);
            return Results.Ok(ApiTokenRulesView.From(org.ExternalPolicy.ToPolicy()));
        }).RequireOrgMember();
        return endpoints;
    }
}
