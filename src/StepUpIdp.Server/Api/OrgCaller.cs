using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Claims;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Api;

/// <summary>The authenticated caller of an organisation API, as established by <see cref="OrgAccess"/>.</summary>
public sealed record OrgCaller(string AccountId, string OrganisationId, bool IsAdmin, ClaimsPrincipal Principal)
{
    /// <summary>The client id the caller's token was issued to (the app an admin may not lose their own role on); null for a browser session.</summary>
    public string? CallingApp => Principal.GetClaim(OpenIddictConstants.Claims.ClientId);

    public static OrgCaller From(HttpContext http) =>
        http.Items[typeof(OrgCaller)] as OrgCaller
        ?? throw new InvalidOperationException("OrgAccess must run before the endpoint.");
}

/// <summary>
/// Endpoint filters for <c>/api/orgs/{org}/...</c>. Admin endpoints take a bearer access token with scope
/// <c>stepup.admin</c>, issued to an app of the same org, held by an admin of that org, from a sign-in with a one-time
/// passcode or authenticator (a change: in the last 15 minutes, else RFC 9470's <c>insufficient_user_authentication</c>). Member endpoints take a
/// bearer token or the browser session of any member. Unknown orgs answer like forbidden ones, so the API does
/// not reveal which organisations exist.
/// </summary>
public static class OrgAccess
{
    public static RouteGroupBuilder RequireOrgAdmin(this RouteGroupBuilder group) =>
        group.AddEndpointFilter((context, next) => CheckAsync(context, next, requireAdmin: true));

    public static RouteHandlerBuilder RequireOrgMember(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter((context, next) => CheckAsync(context, next, requireAdmin: false));

    private static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, bool requireAdmin)
    {
        var http = context.HttpContext;
        var org = http.GetRouteValue("org") as string ?? string.Empty;

        var bearer = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        ClaimsPrincipal? principal = null;
        if (bearer.Succeeded)
        {
            principal = bearer.Principal;
            var scoped = principal.HasScope(StepUpScopes.Admin) && principal.GetClaim(StepUpClaimTypes.Organisation) == org;
            if (requireAdmin && !scoped)
            {
                return Forbidden(requireAdmin);
            }
        }
        else if (!requireAdmin)
        {
            // Members may also use their browser session; the antiforgery middleware protects unsafe methods.
            var session = await http.AuthenticateAsync(SessionDefaults.Scheme);
            principal = session.Succeeded ? session.Principal : null;
        }

        var accountId = principal?.GetClaim(OpenIddictConstants.Claims.Subject);
        if (principal is null || accountId is null)
        {
            return StepUpChallenges.Unauthenticated(http,
                requireAdmin ? "A bearer access token with scope stepup.admin is required." : "Sign in or present a bearer access token.");
        }

        var membership = await http.RequestServices.GetRequiredService<OrganisationMemberships>().FindAsync(org, accountId, http.RequestAborted);
        if (membership is null || (requireAdmin && !membership.IsAdmin))
        {
            return Forbidden(requireAdmin);
        }

        // Admin calls need a passcode or authenticator sign-in; a change also one in the last 15 minutes.
        var change = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        if (requireAdmin && StepUpChallenges.ForBearer(http, principal, AcrLevel.Otp, recent: change) is { } stepUp)
        {
            return stepUp;
        }

        http.Items[typeof(OrgCaller)] = new OrgCaller(accountId, org, membership.IsAdmin, principal);
        return await next(context);
    }

    private static IResult Forbidden(bool requireAdmin) => requireAdmin
        ? ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.NotOrgAdmin,
            "Only an administrator of this organisation, with a token of scope stepup.admin issued by one of its apps, may do this.")
        : ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.NotOrgMember, "Only members of this organisation may see this.");
}
