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

    public static string? AccountId(ClaimsPrincipal principal) => principal.FindFirst(OpenIddictConstants.Claims.Subject)?.Value;

    public static DateTimeOffset? AuthTime(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirst(OpenIddictConstants.Claims.AuthenticationTime)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static IReadOnlyList<string> Methods(ClaimsPrincipal principal) =>
        principal.FindAll(OpenIddictConstants.Claims.AuthenticationMethodReference).Select(c => c.Value).ToList();

    public static bool UsedPassword(ClaimsPrincipal principal) => Methods(principal).Contains(AuthenticationMethods.Password);
}
