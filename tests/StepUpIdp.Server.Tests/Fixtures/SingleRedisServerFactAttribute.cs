using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A test that cuts Redis off through a <see cref="TcpProxy"/>: skipped on the Redis Cluster leg
/// (<c>STEPUPIDP_TEST_REDIS_CLUSTER</c>), where the client reaches every node directly by the address it announces,
/// so a proxy in front of one node cannot cut it. The single-server and embedded legs run it.
/// </summary>
public sealed class SingleRedisServerFactAttribute : FactAttribute
{
    public SingleRedisServerFactAttribute()
    {
        if (RedisTestServer.IsCluster)
        {
            Skip = "A TCP proxy cannot cut a Redis Cluster off; the single-server leg runs this test.";
        }
    }
}
