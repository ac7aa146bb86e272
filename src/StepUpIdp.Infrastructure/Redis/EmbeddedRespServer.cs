using StackExchange.Redis;
using System.Net;
using System.Net.Sockets;
using Garnet;
using Garnet.common;
using Microsoft.Extensions.Logging;

namespace StepUpIdp.Infrastructure.Redis;

/// <summary>
/// An in-process, memory-only RESP server (Microsoft Garnet) on 127.0.0.1 for a single-node
/// development setup. Data is lost when the process ends.
/// </summary>
public sealed class EmbeddedRespServer : IDisposable
{
    private const int StartAttempts = 5;

    private readonly GarnetServer _server;

    private EmbeddedRespServer(GarnetServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis endpoint string, e.g. <c>127.0.0.1:51234</c>.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public static EmbeddedRespServer Start(ILoggerFactory? loggerFactory = null)
    {
        Exception? lastError = null;
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            // The port is free when we look; another process may take it before Garnet binds, so retry.
            var port = FindFreeLoopbackPort();
            GarnetServer? server = null;
            try
            {
                server = new GarnetServer(Arguments(port), loggerFactory);
                server.Start();
                WarmUp(port);
                return new EmbeddedRespServer(server, port);
            }
            catch (Exception ex) when (ex is SocketException or IOException or GarnetException)
            {
                server?.Dispose();
                lastError = ex;
            }
        }

        throw new InvalidOperationException("The embedded RESP server could not start on a loopback port.", lastError);
    }

    public void Dispose() => _server.Dispose();

    /// <summary>
    /// The first Lua script in a process loads and compiles the Lua runtime, which can take longer than a
    /// request's Redis timeout on a busy machine; do it once at start, with time to spare, not in a user's passcode try.
    /// </summary>
    private static void WarmUp(int port)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port}");
        options.ConnectTimeout = options.SyncTimeout = options.AsyncTimeout = 30_000;
        using var connection = ConnectionMultiplexer.Connect(options);
        connection.GetDatabase().ScriptEvaluate("return 1");
    }

    private static string[] Arguments(int port) =>
    [
        "--bind", "127.0.0.1",
        "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        // Our stores rely on Lua scripts; transaction mode locks the script's keys so a script is atomic.
        "--lua", "true",
        "--lua-transaction-mode", "true",
        // A development node holds few keys; a 16 MB hash index instead of the default 128 MB is plenty.
        "--index", "16m",
        // Quiet: no start-up banner on the host's console.
        "-q",
    ];

    private static int FindFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
