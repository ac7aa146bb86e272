using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace StepUpIdp.Infrastructure.Redis.Sessions;

/// <summary>
/// An HMAC-SHA256 over each verification a session records, so that whoever can write to Redis but does not hold the
/// server's key cannot make a verification count (docs/security.md, "Redis is not a trust anchor"). The stored value is
/// <c>{unix ms}.{mac}</c>; the MAC binds the account, the session, the organisation and the method, so a value copied
/// from another field or session does not count either. The key is derived (HKDF) from <c>Passcodes:HmacKey</c> for
/// this purpose alone.
/// </summary>
public sealed class VerificationSeal
{
    private const int MacBytes = 16;
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("StepUpIdp session verification seal v1");
    private readonly byte[] _key;

    public VerificationSeal(ReadOnlySpan<byte> serverKey)
    {
        if (serverKey.Length < 32)
        {
            throw new ArgumentException("The server key must be at least 32 bytes.", nameof(serverKey));
        }

        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, serverKey.ToArray(), 32, salt: [], info: Purpose);
    }

    public static VerificationSeal FromBase64(string base64Key) => new(Convert.FromBase64String(base64Key));

    public string Seal(string accountId, string sessionId, string field, DateTimeOffset at)
    {
        var ms = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return ms + "." + WebEncoders.Base64UrlEncode(Mac(accountId, sessionId, field, ms));
    }

    /// <summary>The time the value records, or null when it is unreadable or its MAC does not match.</summary>
    public DateTimeOffset? Open(string accountId, string sessionId, string field, string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(value.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return null;
        }

        byte[] presented;
        try
        {
            presented = WebEncoders.Base64UrlDecode(value, dot + 1, value.Length - dot - 1);
        }
        catch (FormatException)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(presented, Mac(accountId, sessionId, field, value[..dot]))
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
    }

    private byte[] Mac(string accountId, string sessionId, string field, string ms)
    {
        // Length-prefixed parts, so no two different tuples read the same.
        var message = string.Join('\n', new[] { accountId, sessionId, field, ms }.Select(p => p.Length.ToString(CultureInfo.InvariantCulture) + ":" + p));
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(message))[..MacBytes];
    }
}
