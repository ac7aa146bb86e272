using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace StepUpIdp.Server.SignIn;

/// <summary>
/// The secret a session cookie carries besides the session id (docs/sessions.md, "The cookie changes when the session
/// proves more"). The session keeps only its SHA-256, so reading Redis does not give a usable cookie; each sign-in,
/// re-authentication and verification draws a new one, and a cookie with any other is no longer the session's.
/// </summary>
public static class CookieStamps
{
    public readonly record struct Stamp(string Value, string Hash);

    /// <summary>128 random bits, and their hash for the session.</summary>
    public static Stamp New()
    {
        var value = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        return new Stamp(value, HashOf(value));
    }

    /// <summary>
    /// Whether a cookie's stamp is the session's current one, compared in constant time. A session made before
    /// cookies carried a stamp has none, and takes the stamp-less cookie it was made with.
    /// </summary>
    public static bool Matches(string? expectedHash, string? cookieStamp) =>
        expectedHash is null
            ? cookieStamp is null
            : cookieStamp is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(cookieStamp)), Encoding.ASCII.GetBytes(expectedHash));

    private static string HashOf(string value) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
