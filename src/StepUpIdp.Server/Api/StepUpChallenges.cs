using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Api;

/// <summary>
/// How the IdP's own APIs ask for a stronger or more recent sign-in (docs/security.md, "Recent strong sign-in"):
/// a bearer caller gets RFC 9470's <c>insufficient_user_authentication</c> challenge, met by a new authorization
/// request with the <c>acr_values</c> and <c>max_age</c> it names; a browser-session caller gets a problem whose
/// <c>stepUpUrl</c> leads through the same sign-in and verification pages.
/// </summary>
public static class StepUpChallenges
{
    /// <summary>
    /// The 401 of an API call with no caller: with <c>WWW-Authenticate: Bearer</c> (RFC 6750 section 3), and
    /// <c>error="invalid_token"</c> when the call carried a bearer token that did not validate; a 503 instead when its
    /// session cookie could not be checked because Redis is down.
    /// </summary>
    public static IResult Unauthenticated(HttpContext http, string detail)
    {
        // A session cookie that could not be checked because Redis is down is not "no caller": the person is signed in
        // and should try again, not sign in again (docs/sessions.md, "When Redis is down"). The cookie is kept.
        if (SignInSessions.StoreWasUnavailable(http))
        {
            http.Response.Headers.RetryAfter = "60";
            return ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.VerificationUnavailable,
                "Verification is temporarily unavailable, so your sign-in cannot be checked; try again in a minute.");
        }

        var sentBearer = http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        http.Response.Headers.WWWAuthenticate = sentBearer ? "Bearer error=\"invalid_token\"" : "Bearer";
        return ProblemTypes.Problem(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, detail);
    }

    /// <summary>Null when the bearer token is strong and recent enough; else the 401 to answer.</summary>
    public static IResult? ForBearer(HttpContext http, ClaimsPrincipal principal, AcrLevel? minimumAcr, bool recent)
    {
        var authTime = long.TryParse(principal.GetClaim(OpenIddictConstants.Claims.AuthenticationTime), NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var seconds) ? seconds : (long?)null;
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (RecentAuthentication.ForToken(now, authTime, principal.GetClaim(OpenIddictConstants.Claims.AuthenticationContextReference), minimumAcr, recent)
            is not { } stepUp)
        {
            return null;
        }

        var header = $"Bearer error=\"insufficient_user_authentication\", error_description=\"{stepUp.Description}\"";
        if (stepUp.Acr is { } acr)
        {
            header += $", acr_values=\"{acr.ToAcrValue()}\"";
        }

        if (stepUp.MaxAge is { } maxAge)
        {
            header += string.Create(CultureInfo.InvariantCulture, $", max_age={(long)maxAge.TotalSeconds}");
        }

        http.Response.Headers.WWWAuthenticate = header;
        return ProblemTypes.Problem(StatusCodes.Status401Unauthorized, ProblemTypes.InsufficientUserAuthentication, stepUp.Description);
    }

    /// <summary>The answer to a browser-session caller whose session must step up first.</summary>
    public static IResult ForSession(PortalStepUpResult result) => result switch
    {
        PortalStepUpResult.StepUp step => Results.Problem(statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.InsufficientUserAuthentication,
            title: "Sign in again, or confirm it's you with a one-time code, before doing this.",
            extensions: new Dictionary<string, object?> { ["stepUpUrl"] = step.Url }),
        PortalStepUpResult.Refused refused => ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.InsufficientUserAuthentication, refused.Description),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Only a step-up or a refusal needs an answer."),
    };
}
