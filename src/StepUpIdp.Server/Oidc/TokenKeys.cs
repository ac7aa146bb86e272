using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Signing and encryption keys. Production: PEM from configuration (<c>Keys:SigningKey</c>,
/// <c>Keys:EncryptionKey</c>, or <c>Keys:SigningKeyFile</c>/<c>Keys:EncryptionKeyFile</c>). Development: generated once
/// and kept in the data folder, so a restart does not invalidate tokens. Signing keys rotate without downtime
/// (docs/security.md, "Signing keys"): <c>Keys:NextSigningKey</c> is published in the JWKS before it signs, and
/// <c>Keys:PreviousSigningKey</c> stays published after it stopped signing, until the tokens it signed have expired.
/// </summary>
public static class TokenKeys
{
    /// <returns>The signing keys, the one that signs first, then those only published; and the encryption key.</returns>
    public static (IReadOnlyList<RsaSecurityKey> Signing, RsaSecurityKey Encryption) Load(IConfiguration configuration, IHostEnvironment environment, string dataPath)
    {
        var signing = new List<RsaSecurityKey> { LoadOne("Signing", configuration, environment, dataPath) };
        foreach (var published in new[] { "NextSigning", "PreviousSigning" })
        {
            if (ReadPem(published, configuration) is { } pem)
            {
                var key = Parse(published, pem);
                if (signing.All(k => k.KeyId != key.KeyId))
                {
                    signing.Add(key);
                }
            }
        }

        return (signing, LoadOne("Encryption", configuration, environment, dataPath));
    }

    /// <summary>A new RSA signing key (3072 bits), PKCS#8 PEM, for <c>Keys:NextSigningKey</c>.</summary>
    public static string NewSigningKeyPem()
    {
        using var rsa = RSA.Create(3072);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string? ReadPem(string use, IConfiguration configuration)
    {
        var pem = configuration[$"Keys:{use}Key"];
        var file = configuration[$"Keys:{use}KeyFile"];
        return !string.IsNullOrWhiteSpace(pem) ? pem
            : !string.IsNullOrWhiteSpace(file) ? File.ReadAllText(file)
            : null;
    }

    private static RsaSecurityKey LoadOne(string use, IConfiguration configuration, IHostEnvironment environment, string dataPath)
    {
        var pem = ReadPem(use, configuration);
        if (string.IsNullOrWhiteSpace(pem))
        {
            if (!environment.IsDevelopment())
            {
                // Fail closed: a production node must not invent keys that other nodes do not share.
                throw new InvalidOperationException(
                    $"Keys:{use}Key (PEM) or Keys:{use}KeyFile must be set outside Development.");
            }

            pem = LoadOrCreateDevelopmentKey(Path.Combine(dataPath, "keys", $"{use.ToLowerInvariant()}.pem"));
        }

        return Parse(use, pem);
    }

    private static RsaSecurityKey Parse(string use, string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Keys:{use}Key is not a PEM-encoded RSA private key.", ex);
        }

        if (rsa.KeySize < 2048)
        {
            throw new InvalidOperationException($"Keys:{use}Key must be an RSA key of at least 2048 bits.");
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static string LoadOrCreateDevelopmentKey(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var temp = path + ".tmp";
        File.WriteAllText(temp, pem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: false);
        return pem;
    }
}
