using System.Net;
using System.Net.Sockets;

namespace StepUpIdp.Testing.Redis;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of a real server (Redis, PostgreSQL), so a test can take it away from the
/// IdP (<see cref="Cut"/>: every connection dropped, new ones refused) and bring it back (<see cref="Restore"/>)
/// on the same address, the way a network partition or a restart looks to the IdP; or make it stop answering while
/// every connection stays open (<see cref="Stall"/>), the way dropped packets look.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _backend;
    private readonly List<TcpClient> _connections = [];
    private readonly object _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource _cts = new();
    private volatile bool _stalled;

    public TcpProxy(string backendEndpoint)
    {
        var parts = backendEndpoint.Split(',')[0].Split(':');
        _backend = new IPEndPoint(IPAddress.Parse(parts[0] == "localhost" ? "127.0.0.1" : parts[0]), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            _cts = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener, _cts.Token);
        }
    }

    /// <summary>From now on nothing gets through, either way: open connections stay open, new ones are accepted and held.</summary>
    public void Stall() => _stalled = true;

    public void Cut()
    {
        lock (_gate)
        {
            _cts.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_stalled)
            {
                lock (_gate)
                {
                    _connections.Add(client);
                }

                continue;
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_backend, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_gate)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }

            _ = PumpAsync(client, upstream, cancellationToken);
            _ = PumpAsync(upstream, client, cancellationToken);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (!_stalled)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
