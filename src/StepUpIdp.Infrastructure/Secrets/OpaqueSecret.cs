using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace StepUpIdp.Infrastructure.Secrets;

/// <summary>
/// A secret handed out once, in the form <c>{id}.{secret}</c>: password links and app client secrets. The id (32 hex
/// digits) finds the row; the secret is 256 bits from <see cref="RandomNumberGenerator"/>, base64url, and only its
/// SHA-256 is stored: with that much entropy a slow hash adds nothing, and a copy of the database cannot be turned
/// into working secrets. Compared in constant time.
/// </summary>
public sealed class OpaqueSecret
{
    public const int IdLength = 32;
    private const int SecretBytes = 32;
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    private OpaqueSecret(string id, string secret)
    {
        Id = id;
        Secret = secret;
    }

    public string Id { get; }

    private string Secret { get; }

    /// <summary>The whole secret, to hand over once.</summary>
    public string Presented => Id + "." + Secret;

    public byte[] Hash() => SHA256.HashData(Encoding.ASCII.GetBytes(Secret));

    public static OpaqueSecret Create() =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2)),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>Reads a presented token; null for anything that does not have exactly our shape.</summary>
    public static OpaqueSecret? TryParse(string? presented)
    {
        if (presented is null || presented.Length != IdLength + 1 + SecretLength || presented[IdLength] != '.')
        {
            return null;
        }

        var id = presented[..IdLength];
        var secret = presented[(IdLength + 1)..];
        if (!id.All(char.IsAsciiHexDigitLower) || !Base64Url.IsValid(secret, out var decoded) || decoded != SecretBytes)
        {
            return null;
        }

        return new OpaqueSecret(id, secret);
    }

    public bool Matches(byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(), storedHash);

    public override string ToString() => Id + ".[redacted]";
}
