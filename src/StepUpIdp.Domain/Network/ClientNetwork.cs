using System.Net;
using System.Net.Sockets;

namespace StepUpIdp.Domain.Network;

/// <summary>
/// The unit per-address limits count in. An IPv4 client is its address; an IPv6 client is its /64, because one
/// subscriber is usually given a whole /64 (RFC 6177) and could otherwise take a fresh address for every request.
/// Per-account limits never use this: they count per account, whatever the address.
/// </summary>
public static class ClientNetwork
{
    public const string Unknown = "unknown";

    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The key of an address given as text; text that is not an address is its own key.</summary>
    public static string KeyOf(string? address) =>
        IPAddress.TryParse(address, out var parsed) ? KeyOf(parsed) : string.IsNullOrEmpty(address) ? Unknown : address;
}
