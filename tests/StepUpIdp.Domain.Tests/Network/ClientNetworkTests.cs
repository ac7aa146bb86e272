using System.Net;
using StepUpIdp.Domain.Network;

namespace StepUpIdp.Domain.Tests.Network;

public class ClientNetworkTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    public void Ipv4_clients_count_alone_and_ipv6_clients_by_their_64(string address, string key) =>
        Assert.Equal(key, ClientNetwork.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void An_unknown_address_is_one_shared_key()
    {
        Assert.Equal("unknown", ClientNetwork.KeyOf((IPAddress?)null));
        Assert.Equal("unknown", ClientNetwork.KeyOf((string?)null));
        Assert.Equal("2001:db8::/64", ClientNetwork.KeyOf("2001:db8::5"));
    }
}
