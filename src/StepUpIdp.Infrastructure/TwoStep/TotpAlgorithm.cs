using System.Globalization;
using System.Security.Cryptography;
using OtpNet;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>
/// RFC 6238 as the product fixes it (docs/decisions.md): HMAC-SHA-1, 6 digits, 30-second steps, one step of
/// drift either way. These are the parameters every authenticator app understands (Google Authenticator
/// ignores others), so they are not configurable.
/// </summary>
public static class TotpAlgorithm
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>160 bits: the HMAC-SHA-1 block-size recommendation of RFC 4226 section 4.</summary>
    public const int SecretBytes = 20;

    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The key a person types into an app by hand: base32 (RFC 4648), no padding.</summary>
    public static string ManualKey(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    /// <summary>The Key Uri Format that authenticator apps read from a QR code.</summary>
    public static string OtpAuthUri(string issuer, string accountName, byte[] secret) =>
        string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(accountName)}?secret={ManualKey(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}");

    /// <summary>The time step the code belongs to (within one step of <paramref name="now"/>), or null.</summary>
    public static long? MatchStep(byte[] secret, string code, DateTimeOffset now)
    {
        if (Normalize(code) is not { } digits)
        {
            return null;
        }

        var totp = new Totp(secret, StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, digits, out var step, Drift) ? step : null;
    }

    /// <summary>Six digits, spaces allowed (apps show "123 456"); anything else is not a code.</summary>
    public static string? Normalize(string? code)
    {
        var digits = (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).Trim();
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }
}
