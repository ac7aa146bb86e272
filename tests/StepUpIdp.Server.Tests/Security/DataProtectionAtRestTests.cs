using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Security;

/// <summary>The Data Protection key ring is stored encrypted with the configured certificate (docs/security.md).</summary>
public sealed class DataProtectionAtRestTests
{
    [Fact]
    public async Task With_a_certificate_configured_the_stored_key_ring_holds_no_plain_key_and_cookies_still_work()
    {
        await using var certificateFolder = new TestDataFolder();
        var folder = certificateFolder.Path;
        Directory.CreateDirectory(folder);
        var pfx = Path.Combine(folder, "data-protection.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=StepUpIdp data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "test-password"));
        }

        await using var idp = new IdpHost(settings: new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = pfx,
            ["DataProtection:CertificatePassword"] = "test-password",
        });
        using var browser = new Browser();
        var signIn = await browser.OpenAsync(new Uri(idp.Address, "account/signin"));
        var landed = await browser.SignInAsync(signIn, "alice@acme.test");
        Assert.Equal(System.Net.HttpStatusCode.OK, landed.Status);
        Assert.NotEqual("/account/signin", landed.Url.AbsolutePath); // the session cookie was protected and read back

        // As stored, wherever the host keeps it: the data folder with the embedded Redis, Redis itself otherwise.
        var ring = idp.Service<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>()
            .Value.XmlRepository!.GetAllElements().Select(element => element.ToString()).ToList();
        Assert.NotEmpty(ring);
        Assert.All(ring, xml =>
        {
            Assert.Contains("EncryptedData", xml);
            Assert.DoesNotContain("<masterKey", xml);
        });
    }
}
