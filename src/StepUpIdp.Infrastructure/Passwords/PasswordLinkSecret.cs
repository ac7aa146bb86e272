using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace StepUpIdp.Infrastructure.Passwords;

/// <summary>
/// The token in a password link: <c>{id}.{secret}</c>. The id (32 hex digits) finds the row; the secret is 256 bits
/// from <see cref="RandomNumberGenerator"/>, base64url, and only its SHA-256 is stored, so a copy of the database
/// cannot be turned into working links. Compared in constant time.
/// </summary>
public sealed class PasswordLinkSecret
{
    public const int IdLength = 32;
    private const int SecretBytes = 32;
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    private PasswordLinkSecret(string id, string secret)
    {
        Id = id;
        Secret = secret;
    }

    public string Id { get; }

    private string Secret { get; }

    /// <summary>The token to put in the link, once.</summary>
    public string Presented => Id + "." + Secret;

    public byte[] Hash() => SHA256.HashData(Encoding.ASCII.GetBytes(Secret));

    public static PasswordLinkSecret Create() =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2)),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>Reads a presented token; null for anything that does not have exactly our shape.</summary>
    public static PasswordLinkSecret? TryParse(string? presented)
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

        return new PasswordLinkSecret(id, secret);
    }

    public bool Matches(byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(), storedHash);

    public override string ToString() => Id + ".[redacted]";
}
