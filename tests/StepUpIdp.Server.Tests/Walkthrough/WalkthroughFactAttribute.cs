using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.InChromium;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Dns;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Walkthrough;

/// <summary>
/// A fact that needs the whole production-like set-up: Chromium, dnsmasq, PostgreSQL, redis-server and a real SMTP server
/// delivering to a maildir (aiosmtpd in <c>.ci/run</c>). Without any of them it is reported as skipped, never as passed.
/// </summary>
public sealed class WalkthroughFactAttribute() : ServerFactAttribute(
    $"Set {ChromiumFactAttribute.Variable}, {Dnsmasq.BinaryVariable}, {TestDataFolder.PostgresVariable}, {RedisTestServer.EnvironmentVariable}, "
    + $"{Maildir.SmtpVariable} (host:port) and {Maildir.Variable} to walk through an adoption in Chromium against a production node.",
    ChromiumFactAttribute.Variable, Dnsmasq.BinaryVariable, TestDataFolder.PostgresVariable, RedisTestServer.EnvironmentVariable, Maildir.SmtpVariable,
    Maildir.Variable);
