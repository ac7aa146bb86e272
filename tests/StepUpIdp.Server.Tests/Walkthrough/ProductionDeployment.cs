using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Walkthrough;

/// <summary>
/// One production node's configuration as a new operator writes it (README, "In production"; docs/admin-guide.md):
/// ASPNETCORE_ENVIRONMENT=Production, HTTPS on its own certificate (Kestrel's <c>Certificates:Default</c>),
/// <c>Idp:Issuer</c>, RSA signing and encryption keys, <c>Passcodes:HmacKey</c>, a Data Protection certificate,
/// PostgreSQL (<c>STEPUPIDP_TEST_POSTGRES</c>, a database of its own), redis-server (<c>STEPUPIDP_TEST_REDIS</c>, a key
/// prefix of its own) and a real SMTP server (<c>STEPUPIDP_TEST_SMTP</c>). No demo data: production has none.
/// </summary>
public sealed class ProductionDeployment : IAsyncDisposable
{
    private const string CertificatePassword = "walkthrough";
    private readonly TestDataFolder _data = new();
    private readonly Dictionary<string, string?> _settings;
    private readonly string _redis = Environment.GetEnvironmentVariable(RedisTestServer.EnvironmentVariable)!;

    public ProductionDeployment(int dnsPort)
    {
        DnsPort = dnsPort;
        Directory.CreateDirectory(_data.Path);
        // The issuer names the port before the node starts, so it cannot be port 0.
        var port = LoopbackPorts.Free();
        Issuer = new Uri($"https://127.0.0.1:{port}/");
        var tls = Path.Combine(_data.Path, "tls.pfx");
        Certificate = SelfSigned("CN=127.0.0.1", tls, serverAuth: true);
        var dataProtection = Path.Combine(_data.Path, "data-protection.pfx");
        SelfSigned("CN=StepUpIdp Data Protection", dataProtection, serverAuth: false).Dispose();
        var (smtpHost, smtpPort) = Maildir.SmtpServer();
        _settings = new Dictionary<string, string?>(IdpProcess.ProductionSettings(Issuer, smtpHost, smtpPort))
        {
            ["ASPNETCORE_URLS"] = Issuer.GetLeftPart(UriPartial.Authority),
            ["Kestrel:Certificates:Default:Path"] = tls,
            ["Kestrel:Certificates:Default:Password"] = CertificatePassword,
            ["DataProtection:CertificatePath"] = dataProtection,
            ["DataProtection:CertificatePassword"] = CertificatePassword,
            ["Redis:KeyPrefix"] = $"walkthrough-{Guid.NewGuid():N}:",
            ["Directory:DnsServers:0"] = $"127.0.0.1:{dnsPort.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    /// <summary>The node's issuer and address, https://127.0.0.1:port/.</summary>
    public Uri Issuer { get; }

    /// <summary>The port of the name server domain verification asks (127.0.0.1).</summary>
    public int DnsPort { get; }

    /// <summary>The node's HTTPS certificate (self-signed for 127.0.0.1).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Runs a command of the server program (<c>migrate</c>, <c>bootstrap ...</c>) with the node's configuration.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(params string[] args) => IdpProcess.RunCommandAsync(_data.Path, _redis, _settings, args);

    public Task<IdpProcess> StartAsync() => IdpProcess.StartAsync(_data.Path, _redis, smtp: null, _settings, Certificate);

    private static X509Certificate2 SelfSigned(string subject, string pfxPath, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        }

        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(pfxPath, certificate.Export(X509ContentType.Pkcs12, CertificatePassword));
        return X509CertificateLoader.LoadPkcs12FromFile(pfxPath, CertificatePassword);
    }

    public async ValueTask DisposeAsync()
    {
        Certificate.Dispose();
        await _data.DisposeAsync();
    }
}
