using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace StepUpIdp.Infrastructure.ApiTokens;

/// <summary>
/// The presented form of an API token: <c>sut_{id}_{secret}</c>. The id (32 hex digits) finds the row
/// without a scan; the secret is 256 bits from <see cref="RandomNumberGenerator"/>, base64url. Only
/// SHA-256 of the secret is stored: with that much entropy a slow or keyed hash adds nothing, and a
/// copy of the database cannot be turned back into working tokens. The <c>sut_</c> prefix lets secret
/// scanners recognise a leaked token.
/// </summary>
public sealed class ApiTokenSecret
{
    public const string Prefix = "sut_";
    public const int IdLength = 32;
    private const int SecretBytes = 32;
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    private ApiTokenSecret(string id, string secret)
    {
        Id = id;
        Secret = secret;
    }

    public string Id { get; }

    private string Secret { get; }

    /// <summary>The full token to hand to the account, once.</summary>
    public string Presented => Prefix + Id + "_" + Secret;

    public byte[] Hash() => SHA256.HashData(Encoding.ASCII.GetBytes(Secret));

    public static ApiTokenSecret Create() =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2)),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>Reads a presented token; null for anything that does not have exactly our shape.</summary>
    public static ApiTokenSecret? TryParse(string? presented)
    {
        if (presented is null
            || presented.Length != Prefix.Length + IdLength + 1 + SecretLength
            || !presented.StartsWith(Prefix, StringComparison.Ordinal)
            || presented[Prefix.Length + IdLength] != '_')
        {
            return null;
        }

        var id = presented.Substring(Prefix.Length, IdLength);
        var secret = presented[(Prefix.Length + IdLength + 1)..];
        if (!id.All(char.IsAsciiHexDigitLower) || !Base64Url.IsValid(secret, out var decoded) || decoded != SecretBytes)
        {
            return null;
        }

        return new ApiTokenSecret(id, secret);
    }

    /// <summary>Constant-time comparison with the stored hash, so timing says nothing about how much matched.</summary>
    public bool Matches(byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(), storedHash);

    /// <summary>Never print the secret by accident (logs, exception messages, debugger).</summary>
    public override string ToString() => Prefix + Id + "_[redacted]";
}
