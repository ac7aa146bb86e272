using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Operations;

/// <summary>
/// A database that stops answering without closing its connections (packets dropped on the way) takes the node out of
/// readiness within the checks' 3 s, not after a connection's own 15 or 30 s: a load balancer's probe gets its answer
/// in time. docs/operations.md, "Health".
/// </summary>
[Trait("Category", "Outages")]
public sealed class DatabaseStallTests : IAsyncLifetime
{
    private readonly RedisTestServer _redis = new();
    private readonly TestDataFolder _data = new();
    private PrivatePostgres? _postgres;
    private TcpProxy? _link;
    private IdpProcess? _idp;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }

        if (_link is not null)
        {
            await _link.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        await _data.DisposeAsync();
        _redis.Dispose();
    }

    [PrivatePostgresFact]
    public async Task A_database_that_stops_answering_fails_readiness_within_seconds()
    {
        _postgres = await PrivatePostgres.StartAsync();
        _link = new TcpProxy($"127.0.0.1:{_postgres.Port.ToString(CultureInfo.InvariantCulture)}");
        _idp = await IdpProcess.StartAsync(_data.Path, _redis.Configuration, smtp: null, new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = RedisTestServer.NewKeyPrefix(),
            ["Database:Provider"] = "Postgres",
            // The same database, reached through the proxy.
            ["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString("stepupidp")) { Port = _link.Port }.ConnectionString,
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var (status, _, _) = await ReadinessAsync(http);
        Assert.Equal(HttpStatusCode.OK, status);

        _link.Stall();

        var (stalledStatus, checks, took) = await ReadinessAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stalledStatus);
        Assert.Equal("Unhealthy", checks.GetProperty("database").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis").GetString());
        Assert.True(took < TimeSpan.FromSeconds(8), $"readiness took {took.TotalSeconds:0.0} s to answer");
    }

    private async Task<(HttpStatusCode Status, JsonElement Checks, TimeSpan Took)> ReadinessAsync(HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(new Uri(_idp!.Address, "health/ready"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body.GetProperty("checks"), clock.Elapsed);
    }
}
