using System.Net;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Operations;

/// <summary>
/// <c>/health/live</c> says the process answers; <c>/health/ready</c> says whether the node can serve: Redis, the
/// database and the signing keys, and 503 while Redis is away, so a load balancer stops sending people to it.
/// </summary>
[Trait("Category", "Redis")]
public sealed class HealthTests : IAsyncLifetime
{
    private readonly RedisTestServer _redis = new();
    private TcpProxy? _link;
    private IdpHost? _idp;
    private HttpClient? _http;

    public Task InitializeAsync() => Task.CompletedTask;

    // IAsyncLifetime rather than IAsyncDisposable, which the xunit 2 runner here does not call on a test class: the hosts
    // ran on, and left their data folders behind, until the end of the run.
    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }

        if (_link is not null)
        {
            await _link.DisposeAsync();
        }

        _redis.Dispose();
    }

    [Fact]
    public async Task A_node_with_its_dependencies_is_live_and_ready()
    {
        // The Redis of the test leg itself: embedded, a single server, a cluster or Sentinel.
        Start(new IdpHost(redis: _redis.Configuration));

        var live = await GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("Healthy", live.Body.GetProperty("status").GetString());

        var ready = await GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Healthy", ready.Body.GetProperty("status").GetString());
        var checks = ready.Body.GetProperty("checks");
        Assert.Equal(["database", "redis", "signing-keys"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(checks.EnumerateObject(), check => Assert.Equal("Healthy", check.Value.GetString()));

        Assert.Equal("ok", await _http!.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
    }

    [SingleRedisServerFact]
    public async Task Without_Redis_the_node_is_live_but_not_ready_and_becomes_ready_again_by_itself()
    {
        _link = new TcpProxy(_redis.Configuration);
        Start(new IdpHost(redis: _link.Endpoint));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/health/ready")).Status);

        _link.Cut();

        var notReady = await WaitForAsync("/health/ready", HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", notReady.Body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", notReady.Body.GetProperty("checks").GetProperty("redis").GetString());
        Assert.Equal("Healthy", notReady.Body.GetProperty("checks").GetProperty("database").GetString());
        Assert.DoesNotContain("Exception", notReady.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/health/live")).Status);

        _link.Restore();

        var ready = await WaitForAsync("/health/ready", HttpStatusCode.OK);
        Assert.Equal("Healthy", ready.Body.GetProperty("checks").GetProperty("redis").GetString());
    }

    private void Start(IdpHost idp)
    {
        _idp = idp;
        _http = new HttpClient { BaseAddress = idp.Address };
    }

    private async Task<(HttpStatusCode Status, string Text, JsonElement Body)> GetAsync(string path)
    {
        using var response = await _http!.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Polls until the endpoint answers <paramref name="status"/> (the client notices a lost or regained server on its own time).</summary>
    private async Task<(HttpStatusCode Status, string Text, JsonElement Body)> WaitForAsync(string path, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var answer = await GetAsync(path);
            if (answer.Status == status || DateTime.UtcNow > deadline)
            {
                Assert.Equal(status, answer.Status);
                return answer;
            }

            await Task.Delay(200);
        }
    }
}
