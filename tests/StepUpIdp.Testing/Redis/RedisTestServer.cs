using StackExchange.Redis;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Testing.Redis;

/// <summary>
/// A real RESP server for tests: the Redis Cluster named by <c>STEPUPIDP_TEST_REDIS_CLUSTER</c> (its nodes, e.g.
/// <c>127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103</c>, as tests/redis-cluster/start.sh prints them), else the
/// server named by <c>STEPUPIDP_TEST_REDIS</c> (e.g. <c>127.0.0.1:6390</c>), otherwise an embedded Garnet.
/// Share one per test collection and give every test its own key prefix so tests never see each other's keys.
/// </summary>
public sealed class RedisTestServer : IDisposable
{
    public const string EnvironmentVariable = "STEPUPIDP_TEST_REDIS";

    public const string ClusterEnvironmentVariable = "STEPUPIDP_TEST_REDIS_CLUSTER";

    private readonly EmbeddedRespServer? _embedded;
    private readonly Lazy<IConnectionMultiplexer> _connection;

    public RedisTestServer()
    {
        var external = ExternalConfiguration;
        if (string.IsNullOrWhiteSpace(external))
        {
            _embedded = EmbeddedRespServer.Start();
            Configuration = _embedded.Endpoint;
        }
        else
        {
            Configuration = external!;
        }

        _connection = new Lazy<IConnectionMultiplexer>(() => RedisConnection.Connect(Configuration));
    }

    /// <summary>The StackExchange.Redis configuration string, e.g. for <c>Redis:Configuration</c>.</summary>
    public string Configuration { get; }

    /// <summary>The configuration string of the external Redis (cluster or single server) named by the environment, if any.</summary>
    public static string? ExternalConfiguration => IsCluster
        ? Environment.GetEnvironmentVariable(ClusterEnvironmentVariable)
        : Environment.GetEnvironmentVariable(EnvironmentVariable);

    /// <summary>True when the tests run against a Redis Cluster (<c>STEPUPIDP_TEST_REDIS_CLUSTER</c>).</summary>
    public static bool IsCluster =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ClusterEnvironmentVariable));

    /// <summary>"embedded Garnet" or the server named by the environment variable.</summary>
    public string Description => _embedded is null ? Configuration : "embedded Garnet";

    public IConnectionMultiplexer Connection => _connection.Value;

    /// <summary>A key prefix no other test uses, for <c>Redis:KeyPrefix</c> or <see cref="RedisKeys"/>.</summary>
    public static string NewKeyPrefix() => $"test:{Guid.NewGuid():N}:";

    public RedisKeys NewKeys() => new(NewKeyPrefix());

    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }

        _embedded?.Dispose();
    }
}
