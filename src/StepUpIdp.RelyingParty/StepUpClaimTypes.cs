using System.Globalization;
using System.Security.Claims;

namespace StepUpIdp.RelyingParty;

/// <summary>Names of the StepUpIdp claims this library reads.</summary>
public static class StepUpClaimTypes
{
    /// <summary>Authentication context class reached (<see cref="StepUpAcr"/>).</summary>
    public const string Acr = "acr";

    /// <summary>When the person last authenticated at the IdP, Unix seconds (OIDC Core 2).</summary>
    public const string AuthTime = "auth_time";

    /// <summary>External users: Unix time of the passcode verification the organisation's policy counts.</summary>
    public const string VerifiedAt = "verified_at";

    /// <summary>External users: Unix time when that verification stops counting.</summary>
    public const string ReverifyAt = "reverify_at";

    /// <summary>Present on access tokens exchanged from a personal API token; names that token.</summary>
    public const string ApiTokenId = "api_token_id";

    /// <summary><c>internal</c> or <c>external</c> for the organisation that owns the app.</summary>
    public const string UserType = "user_type";

    /// <summary>
    /// Where a handler with <c>MapInboundClaims = true</c> (the ASP.NET Core default) puts <c>acr</c>.
    /// Read as well, so the library works whatever the app's mapping setting.
    /// </summary>
    internal const string MappedAcr = "http://schemas.microsoft.com/claims/authnclassreference";
}

/// <summary>Reads the StepUpIdp claims of a principal; every reader answers null when a claim is absent or malformed.</summary>
internal static class StepUpClaims
{
    public static string? Acr(ClaimsPrincipal principal) =>
        principal.FindFirst(StepUpClaimTypes.Acr)?.Value ?? principal.FindFirst(StepUpClaimTypes.MappedAcr)?.Value;

    /// <summary><c>sub</c>, or where ASP.NET Core's default inbound claim mapping puts it.</summary>
    public static string? Subject(ClaimsPrincipal principal) =>
        principal.FindFirst("sub")?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    public static DateTimeOffset? AuthTime(ClaimsPrincipal principal) => UnixTime(principal, StepUpClaimTypes.AuthTime);

    public static DateTimeOffset? ReverifyAt(ClaimsPrincipal principal) => UnixTime(principal, StepUpClaimTypes.ReverifyAt);

    public static bool IsFromApiToken(ClaimsPrincipal principal) => principal.HasClaim(c => c.Type == StepUpClaimTypes.ApiTokenId);

    private static DateTimeOffset? UnixTime(ClaimsPrincipal principal, string type)
    {
        var value = principal.FindFirst(type)?.Value;
        if (value is null || !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        // Out-of-range values are as good as absent (and must not throw on attacker-shaped input).
        return seconds is < -62135596800 or > 253402300799 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
