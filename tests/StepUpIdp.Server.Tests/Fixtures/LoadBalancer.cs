using System.Net;
using System.Net.Sockets;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// One address on 127.0.0.1 in front of several IdP nodes, as a TCP load balancer in failover mode: each new
/// connection goes to the first node that accepts it, so once a node is gone (its port refuses) people reach the next
/// one at the same address, with the same cookies. A connection to a node that dies is closed, as a real one would be.
/// </summary>
public sealed class LoadBalancer : IAsyncDisposable
{
    private readonly IReadOnlyList<Uri> _nodes;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];

    public LoadBalancer(params Uri[] nodes)
    {
        _nodes = nodes;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _ = AcceptAsync();
    }

    /// <summary>The address people use, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = await ConnectToFirstLiveNodeAsync();
            if (upstream is null)
            {
                client.Dispose();
                continue;
            }

            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }

            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private async Task<TcpClient?> ConnectToFirstLiveNodeAsync()
    {
        foreach (var node in _nodes)
        {
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(node.Host, node.Port, _stop.Token);
                return upstream;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                upstream.Dispose();
            }
        }

        return null;
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
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
        _stop.Cancel();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
