using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Tokens only the IdP itself reads back (authorization codes, refresh tokens, and the other internal tokens OpenIddict
/// issues) are signed with HMAC-SHA256 and encrypted with AES key wrap under keys derived from the encryption key,
/// instead of RSA; access tokens and ID tokens, which apps check with the JWKS, stay RSA-signed with the current signing
/// key (docs/performance.md, "Tokens only the IdP reads: symmetric keys"). An RSA private-key operation costs about a
/// millisecond; a code flow made five of them and a refresh four, where two (the access and ID tokens) are needed.
/// </summary>
public sealed class ServerTokenProtection : IOpenIddictServerHandler<GenerateTokenContext>
{
    private readonly SigningCredentials _publicSigning;
    private readonly SigningCredentials _serverSigning;
    private readonly EncryptingCredentials _serverEncryption;

    private ServerTokenProtection(SigningCredentials publicSigning, SigningCredentials serverSigning, EncryptingCredentials serverEncryption) =>
        (_publicSigning, _serverSigning, _serverEncryption) = (publicSigning, serverSigning, serverEncryption);

    /// <summary>The keys for <see cref="OpenIddictServerBuilder.AddSigningKey"/> and <see cref="OpenIddictServerBuilder.AddEncryptionKey"/>, and the handler.</summary>
    public static (SymmetricSecurityKey Signing, SymmetricSecurityKey Encryption, OpenIddictServerHandlerDescriptor Handler) Create(
        RsaSecurityKey currentSigningKey, RsaSecurityKey encryptionKey)
    {
        // Derived, not configured: every node holds the same encryption key, so every node derives the same keys, and
        // replacing the encryption key replaces them (the tokens they protected then stop working, as before).
        var secret = encryptionKey.Rsa?.ExportPkcs8PrivateKey()
            ?? throw new InvalidOperationException("The encryption key must carry its private key.");
        try
        {
            var signing = DerivedKey(secret, "stepupidp server-token signing");
            var encryption = DerivedKey(secret, "stepupidp server-token encryption");
            var handler = new ServerTokenProtection(
                new SigningCredentials(currentSigningKey, SecurityAlgorithms.RsaSha256),
                new SigningCredentials(signing, SecurityAlgorithms.HmacSha256),
                new EncryptingCredentials(encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            var descriptor = OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                .UseSingletonHandler(handler)
                .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();
            return (signing, encryption, descriptor);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>A 256-bit key for one purpose, named by an id derived apart from it (the id gives nothing of the key away).</summary>
    private static SymmetricSecurityKey DerivedKey(byte[] secret, string purpose) =>
        new(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: System.Text.Encoding.UTF8.GetBytes(purpose)))
        {
            KeyId = Base64UrlEncoder.Encode(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 12, info: System.Text.Encoding.UTF8.GetBytes(purpose + " kid"))),
        };

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)
        {
            // Read by apps: RSA with the current key, whatever order OpenIddict sorted its keys in.
            context.SigningCredentials = _publicSigning;
            return ValueTask.CompletedTask;
        }

        context.SigningCredentials = _serverSigning;
        context.EncryptionCredentials = _serverEncryption;
        return ValueTask.CompletedTask;
    }
}
