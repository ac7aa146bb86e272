using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace StepUpIdp.Infrastructure.Secrets;

/// <summary>
/// A secret handed out once, in the form <c>{prefix}{id}{separator}{secret}</c>: password links and app client secrets
/// (<c>{id}.{secret}</c>), API tokens (<c>sut_{id}_{secret}</c>). The id (32 hex digits) finds the row without a scan;
/// the secret is 256 bits from <see cref="RandomNumberGenerator"/>, base64url, and only its SHA-256 is stored: with that
/// much entropy a slow or keyed hash adds nothing, and a copy of the database cannot be turned into working secrets.
/// Compared in constant time.
/// </summary>
public sealed class OpaqueSecret
{
    public const int IdLength = 32;
    private const char DefaultSeparator = '.';
    private const int SecretBytes = 32;
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    private readonly string prefix;
    private readonly char separator;

    private OpaqueSecret(string prefix, char separator, string id, string secret)
    {
        this.prefix = prefix;
        this.separator = separator;
        Id = id;
        Secret = secret;
    }

    public string Id { get; }

    private string Secret { get; }

    /// <summary>The whole secret, to hand over once.</summary>
    public string Presented => prefix + Id + separator + Secret;

    public byte[] Hash() => SHA256.HashData(Encoding.ASCII.GetBytes(Secret));

    public static OpaqueSecret Create() => Create(prefix: "", DefaultSeparator);

    public static OpaqueSecret Create(string prefix, char separator) =>
        new(prefix, separator, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2)),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>Reads a presented token; null for anything that does not have exactly our shape.</summary>
    public static OpaqueSecret? TryParse(string? presented) => TryParse(presented, prefix: "", DefaultSeparator);

    /// <summary>Reads a presented token with the given prefix and separator; null for anything else.</summary>
    public static OpaqueSecret? TryParse(string? presented, string prefix, char separator)
    {
        if (presented is null
            || presented.Length != prefix.Length + IdLength + 1 + SecretLength
            || !presented.StartsWith(prefix, StringComparison.Ordinal)
            || presented[prefix.Length + IdLength] != separator)
        {
            return null;
        }

        var id = presented.Substring(prefix.Length, IdLength);
        var secret = presented[(prefix.Length + IdLength + 1)..];
        if (!id.All(char.IsAsciiHexDigitLower) || !Base64Url.IsValid(secret, out var decoded) || decoded != SecretBytes)
        {
            return null;
        }

        return new OpaqueSecret(prefix, separator, id, secret);
    }

    /// <summary>Constant-time comparison with the stored hash, so timing says nothing about how much matched.</summary>
    public bool Matches(byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(), storedHash);

    /// <summary>Never print the secret by accident (logs, exception messages, debugger).</summary>
    public override string ToString() => prefix + Id + separator + "[redacted]";
}
