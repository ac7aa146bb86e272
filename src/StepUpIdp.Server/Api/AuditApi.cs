using StepUpIdp.Domain.People;
using StepUpIdp.Infrastructure.Audit;

namespace StepUpIdp.Server.Api;

/// <summary><c>GET /api/orgs/{org}/audit</c>: the audit log, newest first, paged.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder org)
    {
        org.MapGet("/audit", async (HttpContext http, AuditLog audit, int? page, int? pageSize) =>
        {
            var errors = new FieldErrors();
            Paging.Validate(page, pageSize, errors);
            if (errors.Count > 0)
            {
                return ProblemTypes.ValidationFailed(errors.ToDictionary());
            }

            var caller = OrgCaller.From(http);
            var result = await audit.ReadAsync(caller.OrganisationId, page ?? 1, pageSize ?? Paging.DefaultPageSize, http.RequestAborted);
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
