using StackExchange.Redis;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Testing.Redis;

/// <summary>
/// A real RESP server for tests: the Redis Cluster named by <c>STEPUPIDP_TEST_REDIS_CLUSTER</c> (its nodes, e.g.
/// <c>127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103</c>, as tests/redis-cluster/start.sh prints them), else the
/// Sentinel-watched primary named by <c>STEPUPIDP_TEST_REDIS_SENTINEL</c>, else the server named by <c>STEPUPIDP_TEST_REDIS</c> (e.g. <c>127.0.0.1:6390</c>), otherwise an embedded Garnet.
/// Share one per test collection and give every test its own key prefix so tests never see each other's keys.
/// </summary>
public sealed class RedisTestServer : IDisposable
{
    public const string EnvironmentVariable = "STEPUPIDP_TEST_REDIS";

    public const string ClusterEnvironmentVariable = "STEPUPIDP_TEST_REDIS_CLUSTER";

    /// <summary>A Sentinel-watched primary and replica (tests/redis-sentinel/start.sh), e.g. <c>127.0.0.1:7203,serviceName=stepupidp</c>.</summary>
    public const string SentinelEnvironmentVariable = "STEPUPIDP_TEST_REDIS_SENTINEL";

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

    /// <summary>
    /// The configuration string of the external Redis named by the environment, if any: a cluster first, then a
    /// Sentinel-watched primary, then a single server.
    /// </summary>
    public static string? ExternalConfiguration =>
        new[] { ClusterEnvironmentVariable, SentinelEnvironmentVariable, EnvironmentVariable }
            .Select(Environment.GetEnvironmentVariable)
            .FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));

    /// <summary>
    /// True when the client reaches Redis directly at the one address it is given (the embedded server or
    /// <c>STEPUPIDP_TEST_REDIS</c>), so a <see cref="TcpProxy"/> in front of it can cut it off. A cluster or Sentinel
    /// hands out the addresses of its nodes, which bypass a proxy.
    /// </summary>
    public static bool IsDirect =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ClusterEnvironmentVariable))
        && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(SentinelEnvironmentVariable));

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
