using StepUpIdp.Testing;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>A test that needs Redis under Sentinel (<c>STEPUPIDP_TEST_REDIS_SENTINEL</c>; CI sets it and fails on a skip).</summary>
public sealed class SentinelFactAttribute() : ServerFactAttribute(
    $"Set {RedisTestServer.SentinelEnvironmentVariable} (tests/redis-sentinel/start.sh prints it) to fail Redis over under load.",
    RedisTestServer.SentinelEnvironmentVariable);
