using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StepUpIdp.RelyingParty;

/// <summary>Maps the endpoint StepUpIdp posts logout tokens to (register its URL as the app's back-channel logout URI).</summary>
public static class BackChannelLogoutEndpointExtensions
{
    /// <summary>
    /// <c>POST {pattern}</c> with a form field <c>logout_token</c>: answers 200 when the token is valid (the session
    /// it names ends on the next request of that browser), 400 otherwise, with <c>Cache-Control: no-store</c>
    /// (OIDC Back-Channel Logout 1.0 section 2.8). The endpoint allows anonymous callers, whatever the app's fallback
    /// policy. Needs <see cref="StepUpIdpServiceCollectionExtensions.AddStepUpIdpWebApp"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// app.MapStepUpIdpBackChannelLogout("/backchannel-logout");
    /// </code>
    /// </example>
    public static IEndpointConventionBuilder MapStepUpIdpBackChannelLogout(this IEndpointRouteBuilder endpoints, string pattern = "/backchannel-logout")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var endpoint = endpoints.MapPost(pattern, async (HttpContext http, BackChannelLogout logout, ILogger<BackChannelLogout> logger) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            string? token = null;
            if (http.Request.HasFormContentType)
            {
                token = (await http.Request.ReadFormAsync(http.RequestAborted)).TryGetValue("logout_token", out var value) ? value.ToString() : null;
            }

            if (await logout.ReceiveAsync(token, http.RequestAborted) is { } refusal)
            {
                logger.BackChannelLogoutRefused(refusal);
                return Results.BadRequest(new { error = "invalid_request", error_description = "The logout token is not valid." });
            }

            return Results.Ok();
        });

        // The IdP posts without a session or an antiforgery token; a fallback policy (RequireAuthenticatedUser on
        // the whole app) must not turn its call into a sign-in redirect.
        return endpoint.AllowAnonymous().DisableAntiforgery();
    }
}
