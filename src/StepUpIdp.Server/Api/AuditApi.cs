using StepUpIdp.Domain.People;
using StepUpIdp.Infrastructure.Audit;

namespace StepUpIdp.Server.Api;

/// <summary><c>GET /api/orgs/{org}/audit</c>: the audit log, newest first, paged.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder org)
    {
        org.MapGet("/audit", async (HttpContext http, AuditLog audit, string? page, string? pageSize) =>
        {
            // Read as text, so that a value that is no number is a field error like any other (not the framework's 400).
            var errors = new FieldErrors();
            var (pageNumber, size) = (Paging.Parse(page, "page", errors), Paging.Parse(pageSize, "pageSize", errors));
            Paging.Validate(pageNumber, size, errors);
            if (errors.Count > 0)
            {
                return ProblemTypes.ValidationFailed(errors.ToDictionary());
            }

            var caller = OrgCaller.From(http);
            var result = await audit.ReadAsync(caller.OrganisationId, pageNumber ?? 1, size ?? Paging.DefaultPageSize, http.RequestAborted);
            return Results.Ok(new
            {
                page = result.Page,
                pageSize = result.PageSize,
                hasMore = result.HasMore,
                entries = result.Entries.Select(e => new
                {
                    at = e.At,
                    org = e.OrganisationId,
                    action = e.Action,
                    outcome = e.Outcome,
                    actor = e.ActorId,
                    subject = e.SubjectId,
                    detail = e.Detail,
                    clientAddress = e.ClientAddress,
                }),
            });
        });
        return org;
    }
}
