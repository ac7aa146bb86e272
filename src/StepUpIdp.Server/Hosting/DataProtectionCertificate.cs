using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace StepUpIdp.Server.Hosting;

/// <summary>
/// Encrypts the Data Protection key ring at rest with an X.509 certificate from configuration (docs/security.md):
/// whoever reads Redis (or the key folder) then cannot forge session cookies or read protected payloads.
/// <c>DataProtection:CertificatePath</c> is a PKCS#12 file with its private key (<c>DataProtection:CertificatePassword</c>);
/// <c>DataProtection:PreviousCertificatePaths</c> lists certificates that older keys were encrypted with, so a new
/// certificate can be rolled out while keys made under the old one are still read.
/// </summary>
internal static class DataProtectionCertificate
{
    public const string PathKey = "DataProtection:CertificatePath";
    private const string PasswordKey = "DataProtection:CertificatePassword";
    private const string PreviousKey = "DataProtection:PreviousCertificatePaths";

    public static void Apply(IDataProtectionBuilder dataProtection, IConfiguration configuration)
    {
        var path = configuration[PathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var password = configuration[PasswordKey];
        var current = Load(path, password);
        var previous = configuration.GetSection(PreviousKey).Get<string[]>() ?? [];
        dataProtection.ProtectKeysWithCertificate(current)
            .UnprotectKeysWithAnyCertificate([current, .. previous.Select(p => Load(p, password))]);
    }

    private static X509Certificate2 Load(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return certificate.HasPrivateKey
                ? certificate
                : throw new InvalidOperationException($"{PathKey}: the certificate at {path} has no private key.");
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new InvalidOperationException($"{PathKey}: {path} is not a readable PKCS#12 certificate (check the password).", ex);
        }
    }
}
