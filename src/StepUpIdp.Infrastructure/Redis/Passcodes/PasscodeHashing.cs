using System.Security.Cryptography;
using System.Text;

namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>
/// Keyed hashes (HMAC-SHA256) so that Redis never holds a passcode: a dump of Redis without the
/// key does not let anyone try the 10^6 codes offline.
/// </summary>
public sealed class PasscodeHashing
{
    public const int MinimumKeyBytes = 32;

    private readonly byte[] _key;

    public PasscodeHashing(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes)
        {
            throw new ArgumentException($"The passcode HMAC key must be at least {MinimumKeyBytes} bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>Reads a base64 key such as the <c>Passcodes:HmacKey</c> setting.</summary>
    public static PasscodeHashing FromBase64(string base64Key)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64Key);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The passcode HMAC key is not valid base64.", nameof(base64Key), ex);
        }

        return new PasscodeHashing(key);
    }

    /// <summary>The stored form of a passcode: lowercase hex HMAC over the subject and the code.</summary>
    public string HashPasscode(PasscodeSubject subject, string code)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(code);
        // Binding the subject in means a passcode hash is useless for any other account or org.
        return Hash("passcode", subject.OrgId, subject.AccountKey, code);
    }

    /// <summary>
    /// An opaque account key for an email address that has no account, so that the passcode flow
    /// (limits, timing, answers) is the same as for a known one.
    /// </summary>
    public string HashUnknownEmail(string normalizedEmail)
    {
        ArgumentException.ThrowIfNullOrEmpty(normalizedEmail);
        return "email-" + Hash("unknown-email", normalizedEmail);
    }

    private string Hash(params ReadOnlySpan<string> parts)
    {
        // Length-prefixed parts: ("ab", "c") and ("a", "bc") must not hash alike.
        var input = new StringBuilder();
        foreach (var part in parts)
        {
            input.Append(part.Length).Append(':').Append(part).Append(';');
        }

        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(input.ToString()));
        return Convert.ToHexStringLower(mac);
    }
}
