using System.Globalization;
using System.Security.Claims;
using OpenIddict.Abstractions;

namespace StepUpIdp.Server.SignIn;

/// <summary>
/// The claims in the session cookie (docs/sessions.md): the account and the opaque id of its server-side session,
/// both inside the encrypted cookie. Everything the session proved lives in Redis. Only an offline session (made
/// while Redis could not be reached) also carries when and how the person signed in, since there is nowhere else.
/// </summary>
public static class SessionPrincipal
{
    public const string SessionIdClaim = "sid";
    private const string OfflineClaim = "offline";
    private const string CookieStampClaim = "stamp";

    /// <summary>A server-side session's cookie, with the secret stamp the session's current cookie must carry.</summary>
    public static ClaimsPrincipal Create(string accountId, string sessionId, string cookieStamp)
    {
        var principal = Build(accountId, sessionId, offline: null);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(CookieStampClaim, cookieStamp));
        return principal;
    }

    /// <summary>The stamp the cookie carries; null for a cookie made before cookies carried one (or an offline one).</summary>
    public static string? CookieStamp(ClaimsPrincipal principal) => principal.FindFirst(CookieStampClaim)?.Value;

    public static ClaimsPrincipal CreateOffline(string accountId, string sessionId, DateTimeOffset authTime, IEnumerable<string> methods) =>
        Build(accountId, sessionId, (authTime, methods));

    public static string? AccountId(ClaimsPrincipal principal) => principal.FindFirst(OpenIddictConstants.Claims.Subject)?.Value;

    public static string? SessionId(ClaimsPrincipal principal) => principal.FindFirst(SessionIdClaim)?.Value;

    public static bool IsOffline(ClaimsPrincipal principal) => principal.HasClaim(OfflineClaim, "true");

    /// <summary>An offline session's sign-in time; null for any other.</summary>
    public static DateTimeOffset? OfflineAuthTime(ClaimsPrincipal principal) =>
        IsOffline(principal)
        && long.TryParse(principal.FindFirst(OpenIddictConstants.Claims.AuthenticationTime)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static IReadOnlyList<string> OfflineMethods(ClaimsPrincipal principal) =>
        principal.FindAll(OpenIddictConstants.Claims.AuthenticationMethodReference).Select(c => c.Value).ToList();

    private static ClaimsPrincipal Build(string accountId, string sessionId, (DateTimeOffset AuthTime, IEnumerable<string> Methods)? offline)
    {
        var identity = new ClaimsIdentity(SessionDefaults.Scheme, OpenIddictConstants.Claims.Subject, OpenIddictConstants.Claims.Role);
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, accountId));
        identity.AddClaim(new Claim(SessionIdClaim, sessionId));
        if (offline is { } facts)
        {
            identity.AddClaim(new Claim(OfflineClaim, "true"));
            identity.AddClaim(new Claim(OpenIddictConstants.Claims.AuthenticationTime,
                facts.AuthTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
            foreach (var method in facts.Methods.Distinct(StringComparer.Ordinal))
            {
                identity.AddClaim(new Claim(OpenIddictConstants.Claims.AuthenticationMethodReference, method));
            }
        }

        return new ClaimsPrincipal(identity);
    }
}
