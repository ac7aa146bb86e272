using System.Net;
using System.Net.Sockets;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// Addresses of their own in 127.0.0.0/8 for clients of a shared host. Every address in that network is this machine,
/// so a client that binds its socket to 127.0.3.7 reaches the IdP on 127.0.0.1 and the IdP sees it come from 127.0.3.7:
/// the per-address limits (sign-in posts per minute, passcode sends per 15 minutes) then count each test's clients apart,
/// as they would count people on different networks.
/// </summary>
public static class LoopbackAddresses
{
    private static int _next;

    /// <summary>An address no other client of this test run has had: 127.0.0.2 onwards (127.0.0.1 is the default).</summary>
    public static IPAddress Next()
    {
        var n = Interlocked.Increment(ref _next) + 1;
        return new IPAddress([127, (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
    }

    /// <summary>Connects to <paramref name="target"/> (a loopback address) from <paramref name="from"/>.</summary>
    public static async ValueTask<Stream> ConnectAsync(IPAddress from, DnsEndPoint target, CancellationToken cancellationToken)
    {
        var address = IPAddress.TryParse(target.Host, out var parsed) ? parsed : (await Dns.GetHostAddressesAsync(target.Host, AddressFamily.InterNetwork, cancellationToken))[0];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(new IPEndPoint(address, target.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
