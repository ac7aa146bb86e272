using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using StepUpIdp.Domain.Claims;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Api;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.ApiTokens;

/// <summary>
/// Who calls <c>/api/me/api-tokens</c> and for which organisation (docs/api-tokens.md):
/// <list type="bullet">
/// <item>a bearer access token of the account: the token's <c>org</c> claim names the org (an <c>org</c> query
/// parameter, if given, must agree). Access tokens obtained from an API token are refused, so a leaked API
/// token cannot mint itself successors that outlive its revocation.</item>
/// <item>the browser session: the <c>org</c> query parameter, or the account's only organisation. Unsafe
/// methods must carry an antiforgery token (header <c>RequestVerificationToken</c>), as minimal APIs do not
/// check it for JSON bodies.</item>
/// </list>
/// Either way the account must be a member of that org.
/// </summary>
/// <param name="Bearer">The access token's principal, or null for a browser-session caller.</param>
public sealed record ApiTokenCaller(string AccountId, string OrganisationId, ClaimsPrincipal? Bearer)
{
    /// <returns>The caller, or the problem to answer instead.</returns>
    public static async Task<(ApiTokenCaller? Caller, IResult? Problem)> ResolveAsync(HttpContext http)
    {
        var requestedOrg = http.Request.Query["org"].ToString() is { Length: > 0 } o ? o : null;
        string? accountId;
        string? org;
        ClaimsPrincipal? bearerPrincipal = null;

        var bearer = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (bearer.Succeeded)
        {
            var principal = bearer.Principal;
            if (principal.HasClaim(c => c.Type == StepUpClaimTypes.ApiTokenId))
            {
                return (null, ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.ApiTokensNotAllowed,
                    "An access token obtained with an API token cannot manage API tokens."));
            }

            if (!principal.HasScope(StepUpScopes.ApiTokens))
            {
                return (null, ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.InsufficientScope,
                    $"A bearer access token with scope {StepUpScopes.ApiTokens} is required."));
            }

            accountId = principal.GetClaim(OpenIddictConstants.Claims.Subject);
            org = principal.GetClaim(StepUpClaimTypes.Organisation);
            bearerPrincipal = principal;
            if (requestedOrg is not null && requestedOrg != org)
            {
                return (null, NotMember());
            }
        }
        else
        {
            var session = await http.AuthenticateAsync(SessionDefaults.Scheme);
            if (!session.Succeeded)
            {
                return (null, StepUpChallenges.Unauthenticated(http, "Sign in or present a bearer access token."));
            }

            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                try
                {
                    await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
                }
                catch (AntiforgeryValidationException)
                {
                    return (null, ProblemTypes.Problem(StatusCodes.Status400BadRequest, ProblemTypes.Antiforgery,
                        "The request lacks a valid antiforgery token.",
                        "Send the token from the account page in the RequestVerificationToken header."));
                }
            }

            accountId = SessionPrincipal.AccountId(session.Principal);
            org = requestedOrg;
        }

        if (accountId is null)
        {
            return (null, NotMember());
        }

        var db = http.RequestServices.GetRequiredService<StepUpDbContext>();
        var memberships = await db.OrganisationMembers.AsNoTracking()
            .Where(m => m.AccountId == accountId)
            .Select(m => m.OrganisationId)
            .ToListAsync(http.RequestAborted);
        if (org is null)
        {
            if (memberships.Count != 1)
            {
                return (null, ProblemTypes.ValidationFailed(new Dictionary<string, string[]>
                {
                    ["org"] = ["Choose the organisation the token is for with ?org=."],
                }));
            }

            org = memberships[0];
        }

        return memberships.Contains(org) ? (new ApiTokenCaller(accountId, org, bearerPrincipal), null) : (null, NotMember());
    }

    private static IResult NotMember() =>
        ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.NotOrgMember, "Only members of this organisation may do this.");
}
