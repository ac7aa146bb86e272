using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Signing and encryption keys. Production: PEM from configuration (<c>Keys:SigningKey</c>,
/// <c>Keys:EncryptionKey</c>, or <c>Keys:SigningKeyFile</c>/<c>Keys:EncryptionKeyFile</c>). Development: generated once
/// and kept in the data folder, so a restart does not invalidate tokens.
/// </summary>
public static class TokenKeys
{
    public static (RsaSecurityKey Signing, RsaSecurityKey Encryption) Load(IConfiguration configuration, IHostEnvironment environment, string dataPath)
    {
        return (LoadOne("Signing", configuration, environment, dataPath), LoadOne("Encryption", configuration, environment, dataPath));
    }

    private static RsaSecurityKey LoadOne(string use, IConfiguration configuration, IHostEnvironment environment, string dataPath)
    {
        var pem = configuration[$"Keys:{use}Key"];
        var file = configuration[$"Keys:{use}KeyFile"];
        if (string.IsNullOrWhiteSpace(pem) && !string.IsNullOrWhiteSpace(file))
        {
            pem = File.ReadAllText(file);
        }

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
