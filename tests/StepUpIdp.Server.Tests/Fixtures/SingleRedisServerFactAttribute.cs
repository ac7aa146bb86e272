using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A test that cuts Redis off through a <see cref="TcpProxy"/>: skipped on the Redis Cluster and Sentinel legs
/// (<c>STEPUPIDP_TEST_REDIS_CLUSTER</c>, <c>STEPUPIDP_TEST_REDIS_SENTINEL</c>), where the client reaches the nodes
/// directly by the addresses they announce, so a proxy in front of one cannot cut them. The single-server and embedded
/// legs run it.
/// </summary>
public sealed class SingleRedisServerFactAttribute : FactAttribute
{
    public SingleRedisServerFactAttribute()
    {
        if (!RedisTestServer.IsDirect)
        {
            Skip = "A TCP proxy cannot cut a Redis Cluster or Sentinel setup off; the single-server leg runs this test.";
        }
    }
}
