using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// Turns a step-up shortfall into a step-up challenge instead of a 403: an OpenIdConnect challenge
/// carrying <c>acr_values</c>/<c>max_age</c> in a web app, RFC 9470's 401 in an API. Everything else
/// (success, other failures, no step-up requirement) goes to ASP.NET Core's default handler.
/// </summary>
internal sealed class StepUpAuthorizationResultHandler(
    IAuthenticationSchemeProvider schemes,
    TimeProvider timeProvider,
    ILogger<StepUpAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    /// <summary>Key of the <see cref="StepUpChallenge"/> in <see cref="AuthenticationProperties.Parameters"/> of an OIDC challenge.</summary>
    internal const string ChallengeParameter = "StepUpIdp.Challenge";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var challenge = authorizeResult.Succeeded ? null : StepUpChallengeFor(context, policy, authorizeResult);
        var scheme = challenge is null ? null : await FindChallengeSchemeAsync(policy);
        if (challenge is null || scheme is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var maxAgeSeconds = challenge.MaxAge is { } age ? (long)age.TotalSeconds : (long?)null;
        if (typeof(OpenIdConnectHandler).IsAssignableFrom(scheme.HandlerType))
        {
            // A web app: send the person to the IdP for what is missing, then back to this page.
            logger.StepUpRedirect(scheme.Name, challenge.AcrValues, maxAgeSeconds, challenge.Description);
            var properties = new AuthenticationProperties();
            properties.SetParameter(ChallengeParameter, challenge);
            await context.ChallengeAsync(scheme.Name, properties);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            // An API with a valid but insufficient token: RFC 9470 section 3. A missing or invalid token
            // (authorizeResult.Challenged) keeps JwtBearer's own challenge.
            logger.StepUpBearerChallenge(challenge.AcrValues, maxAgeSeconds, challenge.Description);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.Append(HeaderNames.WWWAuthenticate, BearerChallengeHeader.Format(challenge));
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>
    /// The challenge to send, or null when stepping up cannot help: a requirement other than a
    /// step-up one failed (a 403 stays a 403), or the policy has none.
    /// </summary>
    private StepUpChallenge? StepUpChallengeFor(HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        IEnumerable<IAuthorizationRequirement> failed;
        if (authorizeResult.Forbidden)
        {
            var failure = authorizeResult.AuthorizationFailure;
            if (failure is null || failure.FailCalled || failure.FailedRequirements.Any(r => r is not StepUpRequirement))
            {
                return null;
            }

            failed = failure.FailedRequirements;
        }
        else
        {
            // Not signed in: a sign-in that already meets the policy's step-up requirements saves a round trip.
            failed = policy.Requirements;
        }

        StepUpChallenge? challenge = null;
        var now = timeProvider.GetUtcNow();
        foreach (var requirement in failed.OfType<StepUpRequirement>())
        {
            var decision = StepUpDecision.Evaluate(context.User, requirement, now);
            if (!decision.IsSatisfied)
            {
                challenge = challenge is null ? decision.Challenge : challenge.Combine(decision.Challenge);
            }
        }

        return challenge;
    }

    /// <summary>The first of the policy's schemes (else the default challenge scheme) that is an OIDC or JwtBearer one.</summary>
    private async Task<AuthenticationScheme?> FindChallengeSchemeAsync(AuthorizationPolicy policy)
    {
        var names = policy.AuthenticationSchemes.Count > 0
            ? policy.AuthenticationSchemes
            : (await schemes.GetDefaultChallengeSchemeAsync()) is { } defaultScheme ? [defaultScheme.Name] : [];

        foreach (var name in names)
        {
            if (await schemes.GetSchemeAsync(name) is { } scheme
                && (typeof(OpenIdConnectHandler).IsAssignableFrom(scheme.HandlerType) || typeof(JwtBearerHandler).IsAssignableFrom(scheme.HandlerType)))
            {
                return scheme;
            }
        }

        return null;
    }
}
