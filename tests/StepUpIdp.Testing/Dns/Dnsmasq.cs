using System.Diagnostics;
using System.Net;
using DnsClient;

namespace StepUpIdp.Testing.Dns;

/// <summary>
/// A real DNS server for tests: Debian's dnsmasq on 127.0.0.1 at a port of the test's choosing, authoritative for
/// the zones given (unknown names there answer NXDOMAIN), with the TXT records given, and no upstream. The binary
/// comes from <c>STEPUPIDP_TEST_DNSMASQ</c>; CI installs it.
/// </summary>
public sealed class Dnsmasq : IAsyncDisposable
{
    public const string BinaryVariable = "STEPUPIDP_TEST_DNSMASQ";

    private readonly Process _process;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

    private Dnsmasq(Process process, int port, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        _process = process;
        _log = log;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public static async Task<Dnsmasq> StartAsync(int port, IEnumerable<string> zones, IEnumerable<(string Name, string Value)> txtRecords)
    {
        var binary = Environment.GetEnvironmentVariable(BinaryVariable)
            ?? throw new InvalidOperationException($"Set {BinaryVariable} to the dnsmasq binary.");
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
                     "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={port}", "--pid-file=", "--user=", "--log-facility=-",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--txt-record=ready.invalid,ready");
        foreach (var zone in zones.Append("invalid"))
        {
            start.ArgumentList.Add($"--local=/{zone}/");
        }

        foreach (var (name, value) in txtRecords)
        {
            // On the command line dnsmasq keeps quotes as part of the text, and a comma starts a new string.
            start.ArgumentList.Add($"--txt-record={name},{value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => log.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => log.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Dnsmasq(process, port, log);
        await server.WaitUntilAnsweringAsync();
        return server;
    }

    /// <summary>Asks for a known record until dnsmasq answers (bounded), so a test never races its start.</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        var client = new LookupClient(new LookupClientOptions(EndPoint)
        {
            UseCache = false, Timeout = TimeSpan.FromMilliseconds(200), Retries = 0, ThrowDnsErrors = false, ContinueOnDnsError = false,
        });
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dnsmasq exited with {_process.ExitCode} on port {Port}: {string.Join(" | ", _log)}");
            }

            try
            {
                var response = await client.QueryAsync("ready.invalid", QueryType.TXT);
                if (response.Answers.TxtRecords().Any())
                {
                    return;
                }
            }
            catch (DnsResponseException)
            {
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"dnsmasq did not answer on 127.0.0.1:{Port}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
