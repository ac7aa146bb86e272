using StepUpIdp.Infrastructure.Audit;

namespace StepUpIdp.Server.Api;

/// <summary><c>GET /api/orgs/{org}/audit</c>: the audit log, newest first, paged.</summary>
public static class AuditApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder org)
    {
        org.MapGet("/audit", async (HttpContext http, AuditLog audit, int? page, int? pageSize) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (page is < 1)
            {
                errors["page"] = ["Pages start at 1."];
            }

            if (pageSize is < 1 or > MaxPageSize)
            {
                errors["pageSize"] = [$"Choose a page size from 1 to {MaxPageSize}."];
            }

            if (errors.Count > 0)
            {
                return ProblemTypes.ValidationFailed(errors);
            }

            var caller = OrgCaller.From(http);
            var result = await audit.ReadAsync(caller.OrganisationId, page ?? 1, pageSize ?? 50, http.RequestAborted);
            return Results.Ok(new
            {
                page = result.Page,
                pageSize = result.PageSize,
                hasMore = result.HasMore,
                entries = result.Entries.Select(e => new
                {
                    at = e.At,
                    action = e.Action,
                    outcome = e.Outcome,
                    actor = e.ActorId,
                    subject = e.SubjectId,
                    detail = e.Detail,
                }),
            });
        });
        return org;
    }
}
