using System.Net;
using System.Net.Sockets;

namespace StepUpIdp.Testing;

/// <summary>
/// A port for a server that must be named before it starts: an issuer URL carries its port, a restarted node comes
/// back at the same address, dnsmasq cannot report the port it got. Everything else binds to port 0 and reads the
/// port back. The port is taken below Linux's ephemeral range (32768 and up), so the tests' own outgoing connections
/// cannot be handed it between this probe and the server's bind.
/// </summary>
public static class LoopbackPorts
{
    /// <summary>A port free on 127.0.0.1 for TCP right now, and for UDP too when <paramref name="udpToo"/>.</summary>
    public static int Free(bool udpToo = false)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                tcp.Stop();
                if (udpToo)
                {
                    using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                }

                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("No port between 20000 and 32000 is free on 127.0.0.1.");
    }
}
