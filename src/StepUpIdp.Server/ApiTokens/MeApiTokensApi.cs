using StepUpIdp.Server.Api;

namespace StepUpIdp.Server.ApiTokens;

/// <summary><c>/api/me/api-tokens</c>: an account's own API tokens.</summary>
public static class MeApiTokensApi
{
    public sealed record CreateApiTokenRequest(string? Name, int? LifetimeDays);

    public static IEndpointRouteBuilder MapMeApiTokensApi(this IEndpointRouteBuilder endpoints)
    {
        // Antiforgery is checked by ApiTokenCaller for session callers only; bearer callers need none.
        var me = endpoints.MapGroup("/api/me/api-tokens").DisableAntiforgery();

        me.MapPost("/", async (HttpContext http, ApiTokenIssuer issuer) =>
        {
            var (caller, problem) = await ApiTokenCaller.ResolveAsync(http);
            if (caller is null)
            {
                return problem!;
            }

            // Read after the caller is known, and through JsonBody so a malformed body is a problem naming the field.
            var (body, bodyProblem) = await JsonBody.ReadAsync<CreateApiTokenRequest>(http);
            if (bodyProblem is not null)
            {
                return bodyProblem;
            }

            if (body?.LifetimeDays is not { } days)
            {
                return ProblemTypes.ValidationFailed(new Dictionary<string, string[]>
                {
                    ["lifetimeDays"] = ["Give the token's lifetime in days."],
                });
            }

            var result = await issuer.CreateAsync(caller.AccountId, caller.OrganisationId, body.Name, days, http.RequestAborted);
            switch (result)
            {
                case ApiTokenCreation.Created created:
                    // The only response that ever holds the secret: keep it out of every cache.
                    http.Response.Headers.CacheControl = "no-store";
                    return Results.Created($"/api/me/api-tokens/{created.Id}",
                        new { id = created.Id, token = created.Token, expiresAt = created.ExpiresAt });
                case ApiTokenCreation.Refused { Field: { } field } refused:
                    return ProblemTypes.ValidationFailed(new Dictionary<string, string[]> { [field] = [refused.Description] });
                case ApiTokenCreation.Refused refused:
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.ApiTokensNotAllowed,
                        title: refused.Description, extensions: new Dictionary<string, object?> { ["rule"] = refused.Rule });
                default:
                    throw new InvalidOperationException("Unknown creation outcome.");
            }
        });

        me.MapGet("/", async (HttpContext http, ApiTokenIssuer issuer) =>
        {
            var (caller, problem) = await ApiTokenCaller.ResolveAsync(http);
            if (caller is null)
            {
                return problem!;
            }

            var tokens = await issuer.ListAsync(caller.AccountId, caller.OrganisationId, http.RequestAborted);
            return Results.Ok(tokens.Select(t => new
            {
                id = t.Id,
                name = t.Name,
                org = t.OrganisationId,
                createdAt = t.CreatedAt,
                expiresAt = t.ExpiresAt,
                lastUsedAt = t.LastUsedAt,
                revokedAt = t.RevokedAt,
            }));
        });

        me.MapDelete("/{id}", async (HttpContext http, string id, ApiTokenIssuer issuer) =>
        {
            var (caller, problem) = await ApiTokenCaller.ResolveAsync(http);
            if (caller is null)
            {
                return problem!;
            }

            return await issuer.RevokeAsync(caller.AccountId, caller.OrganisationId, id, http.RequestAborted)
                ? Results.NoContent()
                : ProblemTypes.NotFoundProblem("The API token");
        });

        return endpoints;
    }
}
