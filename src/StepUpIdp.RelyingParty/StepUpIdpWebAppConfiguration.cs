using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// Hooks the app's cookie and OpenIdConnect schemes once, at start-up: the cookie rejects a session
/// whose <c>reverify_at</c> has passed or that the IdP ended by back-channel logout, and the OIDC handler writes a pending step-up challenge into
/// the authorization request. The app's own event handlers still run after ours.
/// </summary>
internal sealed class StepUpIdpWebAppConfiguration(
    IOptions<StepUpIdpWebAppOptions> options,
    IServiceProvider services,
    TimeProvider timeProvider,
    ILogger<StepUpIdpWebAppConfiguration> logger)
    : IPostConfigureOptions<CookieAuthenticationOptions>, IPostConfigureOptions<OpenIdConnectOptions>
{
    /// <summary>Key of the re-verification <see cref="StepUpChallenge"/> in <c>HttpContext.Items</c> for the rest of the request.</summary>
    internal const string ReverificationItem = "StepUpIdp.Reverification";

    public void PostConfigure(string? name, CookieAuthenticationOptions cookie)
    {
        if (name != options.Value.CookieScheme)
        {
            return;
        }

        var appHandler = cookie.Events.OnValidatePrincipal;
        cookie.Events.OnValidatePrincipal = async context =>
        {
            if (context.Principal is { } principal)
            {
                if (await services.GetRequiredService<BackChannelLogout>().IsEndedAsync(principal, context.HttpContext.RequestAborted))
                {
                    // The IdP ended the sign-in session this one came from (another node may have received the logout).
                    logger.SessionEndedByIdp();
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(context.Scheme.Name);
                    return;
                }

                var decision = StepUpDecision.EvaluateReverification(principal, timeProvider.GetUtcNow());
                if (!decision.IsSatisfied)
                {
                    // Like SecurityStampValidator: the session ends now, so no page is served on it; the
                    // challenge that follows (the page requires a signed-in user) asks the IdP to verify again.
                    logger.ReverificationDue(StepUpClaims.ReverifyAt(principal), decision.Challenge.AcrValues);
                    context.HttpContext.Items[ReverificationItem] = decision.Challenge;
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(context.Scheme.Name);
                    return;
                }
            }

            await appHandler(context);
        };
    }

    /// <summary>
    /// Where the callback sends the person after signing in: <paramref name="returnUrl"/> when it is in this app, else
    /// the app's start page. The handler takes it from the request's path (a step-up at <c>//evil.example/x</c>, which
    /// a catch-all route serves, would come back to <c>//evil.example/x</c>: another host), or the app from a query.
    /// </summary>
    internal static string? LocalReturnUrl(HttpRequest request, string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl))
        {
            return returnUrl;
        }

        // A path, but not "//host" or "/\host", which browsers read as another host (as Url.IsLocalUrl has it).
        if (returnUrl[0] == '/')
        {
            return returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\') ? returnUrl : request.PathBase + "/";
        }

        return Uri.TryCreate(returnUrl, UriKind.Absolute, out var absolute)
            && string.Equals(absolute.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(absolute.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
                ? returnUrl
                : request.PathBase + "/";
    }

    public void PostConfigure(string? name, OpenIdConnectOptions oidc)
    {
        if (name != options.Value.OpenIdConnectScheme)
        {
            return;
        }

        // The handler deletes acr (and keeps no auth_time) from the ID token's claims by default; the session
        // must keep them, or no step-up requirement could ever be met and every page would loop to the IdP.
        oidc.ClaimActions.Remove(StepUpClaimTypes.Acr);
        oidc.ClaimActions.Remove(StepUpClaimTypes.AuthTime);

        var appHandler = oidc.Events.OnRedirectToIdentityProvider;
        oidc.Events.OnRedirectToIdentityProvider = context =>
        {
            context.Properties.RedirectUri = LocalReturnUrl(context.Request, context.Properties.RedirectUri);
            var challenge = context.Properties.GetParameter<StepUpChallenge>(StepUpAuthorizationResultHandler.ChallengeParameter);
            var reverification = context.HttpContext.Items[ReverificationItem] as StepUpChallenge;
            if (reverification is not null)
            {
                challenge = challenge is null ? reverification : challenge.Combine(reverification);
            }

            if (challenge is not null && context.ProtocolMessage.RequestType == OpenIdConnectRequestType.Authentication)
            {
                if (challenge.AcrValues is { } acr)
                {
                    context.ProtocolMessage.AcrValues = acr;
                }

                if (challenge.MaxAge is { } maxAge)
                {
                    context.ProtocolMessage.MaxAge = ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                // The properties become the protected state, so the answer can be judged against what was asked.
                StepUpRoundTrip.Record(context.Properties, challenge, reverification is not null);
            }

            return appHandler(context);
        };

        var appTokenValidated = oidc.Events.OnTokenValidated;
        oidc.Events.OnTokenValidated = context =>
        {
            if (context.Properties is { } properties && StepUpRoundTrip.WasAsked(properties))
            {
                if (context.Principal is { } principal && StepUpRoundTrip.Shortfall(principal, properties, timeProvider.GetUtcNow()) is { } reason)
                {
                    // Asking again would bring the same answer back: say so instead (OnRemoteFailure below).
                    context.Fail(new StepUpNotReachedException(reason));
                    return Task.CompletedTask;
                }

                StepUpRoundTrip.Forget(properties);
            }

            return appTokenValidated(context);
        };

        // The app's own handler goes first here, so that it can answer with a page of its own.
        var appRemoteFailure = oidc.Events.OnRemoteFailure;
        oidc.Events.OnRemoteFailure = async context =>
        {
            await appRemoteFailure(context);
            if (context.Result is not null)
            {
                return;
            }

            // Ours, from OnTokenValidated (which drops the properties), or the IdP's OAuth error to a step-up.
            var reason = context.Failure switch
            {
                StepUpNotReachedException notReached => notReached.Message,
                OpenIdConnectProtocolException { Data: var data } when data["error"] is string error
                    && context.Properties is { } properties && StepUpRoundTrip.WasAsked(properties) =>
                    StepUpRoundTrip.Refused(properties, error, data["error_description"] as string),
                _ => null,
            };
            if (reason is not null)
            {
                logger.StepUpNotReached(reason);
                context.HandleResponse();
                await StepUpRefusedPage.WriteAsync(context.HttpContext, reason);
            }
        };
    }
}
