using OpenIddict.Abstractions;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Claims;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Server.Api;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

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

            if (await StepUpFirstAsync(http, caller) is { } stepUp)
            {
                return stepUp;
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
                case ApiTokenCreation.Refused { Rule: ApiTokenIssuer.TooManyRule } refused:
                    return ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.TooManyApiTokens, "No token was created.", refused.Description);
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

    /// <summary>
    /// Null when the caller's sign-in is recent and strong enough to create a token (docs/security.md, "Recent strong
    /// sign-in"); else the challenge: RFC 9470 for a bearer token, a step-up link for the browser session.
    /// </summary>
    private static async Task<IResult?> StepUpFirstAsync(HttpContext http, ApiTokenCaller caller)
    {
        if (caller.Bearer is { } bearer)
        {
            var directory = http.RequestServices.GetRequiredService<AccountDirectory>();
            var portal = await directory.FindPortalAsync(caller.OrganisationId, http.RequestAborted);
            var subject = portal is null ? null : await directory.DescribeAsync(caller.AccountId, portal, http.RequestAborted);
            if (subject is null)
            {
                return ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.NotOrgMember, "Only members of this organisation may do this.");
            }

            // An external user's token must show a verification of a kind their policy counts.
            AcrLevel? needed = subject.PolicyAppliesOn(AppEnforcement.Enforced)
                ? ReverificationSchedule.WeakestCountingAcr(subject.ExternalPolicy.Policy)
                : null;
            return StepUpChallenges.ForBearer(http, bearer, needed, recent: true);
        }

        var result = await http.RequestServices.GetRequiredService<PortalStepUp>().CheckAsync(
            http, caller.OrganisationId, PortalDemand.ApiTokenCreation, "/account/api-tokens?org=" + Uri.EscapeDataString(caller.OrganisationId));
        return result is PortalStepUpResult.Met ? null : StepUpChallenges.ForSession(result);
    }
}
