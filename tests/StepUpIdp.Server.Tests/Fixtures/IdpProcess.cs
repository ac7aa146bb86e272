using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// The built server program (<c>dotnet StepUpIdp.Server.dll</c>, from this test's own build) as a child process, in
/// Development with the demo data, for tests that need what only a real process gives: a SIGKILL. It listens on a port
/// the server takes by binding to port 0 on 127.0.0.1 and is ready once <c>/health/ready</c> answers 200. Nodes given
/// the same data folder, Redis (and key prefix) and database share the signing keys, the passcode key, the Data
/// Protection key ring (in Redis) and every session, as nodes behind a load balancer do (docs/operations.md).
/// Settings may start it in Production instead (<c>ASPNETCORE_ENVIRONMENT</c>, HTTPS through <c>ASPNETCORE_URLS</c> and
/// Kestrel's certificate settings, whose certificate is then given as <c>trustedCertificate</c>), and
/// <see cref="RunCommandAsync"/> runs the program's commands (<c>migrate</c>, <c>bootstrap</c>) as an operator does.
/// </summary>
public sealed partial class IdpProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IdpProcess(Process process) => _process = process;

    /// <summary>The node's own address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>What the process wrote to stdout and stderr so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <param name="dataPath">The data folder (shared by nodes of one deployment).</param>
    /// <param name="redis">A StackExchange.Redis configuration string every node reaches.</param>
    /// <param name="settings">
    /// Configuration keys (<c>Redis:KeyPrefix</c>, <c>Database:ConnectionString</c>, ...), passed as environment
    /// variables. Without <c>Database:*</c> the node uses <c>STEPUPIDP_TEST_POSTGRES</c>'s database of
    /// <paramref name="dataPath"/>, else SQLite in the data folder.
    /// </param>
    /// <param name="trustedCertificate">The HTTPS certificate the node serves, when it serves HTTPS: the only one trusted.</param>
    public static async Task<IdpProcess> StartAsync(
        string dataPath, string redis, SmtpSink? smtp, IDictionary<string, string?>? settings = null, X509Certificate2? trustedCertificate = null)
    {
        var process = new Process { StartInfo = StartInfo(dataPath, redis, smtp, settings, []), EnableRaisingEvents = true };
        var node = new IdpProcess(process);
        process.OutputDataReceived += (_, line) => node.Read(line.Data);
        process.ErrorDataReceived += (_, line) => node.Read(line.Data);
        process.Exited += (_, _) => node._listening.TrySetException(new InvalidOperationException($"The IdP process exited before listening:\n{node.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            node.Address = await node._listening.Task.WaitAsync(StartDeadline);
            await node.WaitUntilReadyAsync(DateTime.UtcNow + StartDeadline, trustedCertificate);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>
    /// Runs one of the program's commands (<c>migrate</c>, <c>bootstrap --org ...</c>) with the configuration a node of
    /// the same <paramref name="dataPath"/> gets, to its end, and answers its exit code and what it printed.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(
        string dataPath, string? redis, IDictionary<string, string?>? settings, params string[] args)
    {
        using var process = Process.Start(StartInfo(dataPath, redis, null, settings, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartDeadline);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>
    /// What a node needs outside Development (README, "In production"): Production, its issuer, fresh RSA signing and
    /// encryption keys, a passcode HMAC key, and mail to an SMTP server on loopback without TLS. Callers add the rest.
    /// </summary>
    public static Dictionary<string, string?> ProductionSettings(Uri issuer, string smtpHost, int smtpPort) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Idp:Issuer"] = issuer.ToString(),
        ["Keys:SigningKey"] = RsaPrivateKeyPem(),
        ["Keys:EncryptionKey"] = RsaPrivateKeyPem(),
        ["Passcodes:HmacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Smtp:Host"] = smtpHost,
        ["Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None",
        ["Smtp:From"] = "StepUpIdp <no-reply@idp.acme.example>",
    };

    private static string RsaPrivateKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    }

    private static ProcessStartInfo StartInfo(string dataPath, string? redis, SmtpSink? smtp, IDictionary<string, string?>? settings, string[] args)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["DataPath"] = dataPath,
            ["Redis:Configuration"] = redis,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information", // "Now listening on: ..."
            ["Logging:LogLevel:OpenIddict"] = "Warning",
        };
        if (TestDataFolder.Postgres is { } postgres)
        {
            environment["Database:Provider"] = "Postgres";
            environment["Database:ConnectionString"] = TestDataFolder.DatabaseOf(dataPath, postgres) + ";Maximum Pool Size=10";
        }

        if (smtp is not null)
        {
            environment["Smtp:Host"] = smtp.Host;
            environment["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
            environment["Smtp:Security"] = "None";
            environment["Smtp:From"] = "StepUpIdp <no-reply@idp.test>";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StepUpIdp.Server.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
    }

    /// <summary>SIGKILL, as the kernel's OOM killer or a pulled plug would end it: no shutdown, no flushing.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>An HTTP client that trusts <paramref name="certificate"/> (and no other certificate) besides the usual ones.</summary>
    public static HttpClient Trusting(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        if (certificate is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None || (presented is not null && presented.GetCertHashString() == certificate.Thumbprint);
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private async Task WaitUntilReadyAsync(DateTime deadline, X509Certificate2? trustedCertificate)
    {
        using var http = Trusting(trustedCertificate);
        var last = "no answer";
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The IdP at {Address} was not ready in time (last: {last}):\n{Output}");
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    [GeneratedRegex(@"Now listening on: (https?://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }
}
