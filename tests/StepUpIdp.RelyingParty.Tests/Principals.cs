using System.Globalization;
using System.Security.Claims;

namespace StepUpIdp.RelyingParty.Tests;

/// <summary>Principals shaped like the ones JwtBearer and the cookie handler build from StepUpIdp tokens.</summary>
internal static class Principals
{
    public static ClaimsPrincipal With(params (string Type, object Value)[] claims) =>
        new(new ClaimsIdentity(
            claims.Select(c => new Claim(c.Type, Convert.ToString(c.Value, CultureInfo.InvariantCulture)!)).Prepend(new Claim("sub", "acct-1")),
            authenticationType: "test"));

    public static long Unix(DateTimeOffset time) => time.ToUnixTimeSeconds();
}
