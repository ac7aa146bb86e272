using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;
using StepUpIdp.Domain.Authentication;

namespace StepUpIdp.Server.SignIn;

/// <summary>Builds and reads the claims kept in the session cookie: who signed in, when, and how.</summary>
public static class SessionPrincipal
{
    public static ClaimsPrincipal Create(string accountId, DateTimeOffset authTime, IEnumerable<string> methods)
    {
        var identity = new ClaimsIdentity(SessionDefaults.Scheme, OpenIddictConstants.Claims.Subject, OpenIddictConstants.Claims.Role);
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, accountId));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.AuthenticationTime,
            authTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        foreach (var method in methods.Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim(OpenIddictConstants.Claims.AuthenticationMethodReference, method));
        }

        return new ClaimsPrincipal(identity);
    }

    private const string StepUpAcr = "stepup_acr";
    private const string StepUpAt = "stepup_at";

    /// <summary>
    /// The session after a passcode step-up: the level reached and when, and <c>otp</c> among its methods.
    /// It keeps the original <c>auth_time</c>: a step-up is not a new sign-in.
    /// </summary>
    public static ClaimsPrincipal WithStepUp(ClaimsPrincipal session, AcrLevel level, DateTimeOffset at)
    {
        var methods = Methods(session).Append(AuthenticationMethods.OneTimePasscode);
        var principal = Create(AccountId(session)!, AuthTime(session) ?? at, methods);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(StepUpAcr, level.ToAcrValue()));
        identity.AddClaim(new Claim(StepUpAt, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        return principal;
    }

    /// <summary>The level the session itself reached (Basic unless stepped up) and when.</summary>
    public static (AcrLevel Level, DateTimeOffset? At) StepUp(ClaimsPrincipal session) =>
        AcrValues.TryParse(session.FindFirst(StepUpAcr)?.Value, out var level)
        && long.TryParse(session.FindFirst(StepUpAt)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? (level, DateTimeOffset.FromUnixTimeSeconds(seconds))
            : (AcrLevel.Basic, null);

    public static string? AccountId(ClaimsPrincipal principal) => principal.FindFirst(OpenIddictConstants.Claims.Subject)?.Value;

    public static DateTimeOffset? AuthTime(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst(OpenIddictConstants.Claims.AuthenticationTime)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static IReadOnlyList<string> Methods(ClaimsPrincipal principal) =>
        principal.FindAll(OpenIddictConstants.Claims.AuthenticationMethodReference).Select(c => c.Value).ToList();
}
