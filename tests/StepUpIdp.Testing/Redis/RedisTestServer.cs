using StackExchange.Redis;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Testing.Redis;

/// <summary>
/// A real RESP server for tests: the one named by <c>STEPUPIDP_TEST_REDIS</c> (e.g.
/// <c>127.0.0.1:6390</c>), otherwise an embedded Garnet. Share one per test collection and give
/// every test its own key prefix so tests never see each other's keys.
/// </summary>
public sealed class RedisTestServer : IDisposable
{
    public const string EnvironmentVariable = "STEPUPIDP_TEST_REDIS";

    private readonly EmbeddedRespServer? _embedded;
    private readonly Lazy<IConnectionMultiplexer> _connection;

    public RedisTestServer()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(external))
        {
            _embedded = EmbeddedRespServer.Start();
            Configuration = _embedded.Endpoint;
        }
        else
        {
            Configuration = external;
        }

        _connection = new Lazy<IConnectionMultiplexer>(() => RedisConnection.Connect(Configuration));
    }

    /// <summary>The StackExchange.Redis configuration string, e.g. for <c>Redis:Configuration</c>.</summary>
    public string Configuration { get; }

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
