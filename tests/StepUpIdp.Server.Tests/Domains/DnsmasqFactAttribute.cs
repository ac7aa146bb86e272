using StepUpIdp.Testing;
using StepUpIdp.Testing.Dns;

namespace StepUpIdp.Server.Tests.Domains;

/// <summary>A test that needs Debian's dnsmasq (named by <c>STEPUPIDP_TEST_DNSMASQ</c>; CI sets it and fails on a skip).</summary>
public sealed class DnsmasqFactAttribute() : ServerFactAttribute(
    $"Set {Dnsmasq.BinaryVariable} to the dnsmasq binary (e.g. /usr/sbin/dnsmasq) to verify domains against a real DNS server.",
    Dnsmasq.BinaryVariable);
