using System.Diagnostics;
using System.Globalization;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A PostgreSQL server of a test's own: <c>initdb</c> into a temp folder and <c>pg_ctl start</c> on a free port of
/// 127.0.0.1, so the test can stop and start it without disturbing the server other tests share. The binaries come
/// from <c>STEPUPIDP_TEST_PG_BIN</c>. PostgreSQL refuses to run as root, so under root (as CI runs) every command runs
/// as the <c>postgres</c> user (<c>runuser</c>) in a folder it owns. Trust authentication on loopback only.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string BinVariable = "STEPUPIDP_TEST_PG_BIN";
    private const string User = "stepupidp";
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(90);

    private readonly string _bin;
    private readonly string _folder;
    private bool _running;

    private PrivatePostgres(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    private string DataFolder => Path.Combine(_folder, "data");

    private static bool AsRoot => Environment.UserName == "root";

    /// <summary>An Npgsql connection string for <paramref name="database"/> on this server (created by the IdP's migration).</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database={database}";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable(BinVariable)
            ?? throw new InvalidOperationException($"{BinVariable} is not set.");
        var folder = Path.Combine(Path.GetTempPath(), "stepupidp-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (AsRoot)
        {
            await RunAsync("chown", ["postgres:", folder], asPostgres: false);
        }

        var server = new PrivatePostgres(bin, folder, LoopbackPorts.Free());
        try
        {
            await server.RunPgAsync("initdb", ["-D", server.DataFolder, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync"]);
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Starts the stopped server on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        // fsync off: nothing here needs to survive a crash of the machine, and the two cores are shared.
        var options = $"-p {Port.ToString(CultureInfo.InvariantCulture)} -h 127.0.0.1 -k {_folder} -c fsync=off -c max_connections=100";
        await RunPgAsync("pg_ctl", ["start", "-D", DataFolder, "-w", "-t", "60", "-l", Path.Combine(_folder, "postgres.log"), "-o", options]);
        _running = true;
    }

    /// <summary>
    /// Stops the server as an operator's restart does (<c>pg_ctl stop -m fast</c>): open transactions are rolled back and
    /// every connection is closed at once.
    /// </summary>
    public async Task StopAsync()
    {
        await RunPgAsync("pg_ctl", ["stop", "-D", DataFolder, "-w", "-t", "60", "-m", "fast"]);
        _running = false;
    }

    public string Log => File.Exists(Path.Combine(_folder, "postgres.log")) ? File.ReadAllText(Path.Combine(_folder, "postgres.log")) : "";

    private Task RunPgAsync(string program, IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(_bin, program), arguments, asPostgres: AsRoot);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandDeadline);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}{await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            try
            {
                await RunPgAsync("pg_ctl", ["stop", "-D", DataFolder, "-w", "-t", "60", "-m", "immediate"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the temp cleaner.
        }
    }
}
