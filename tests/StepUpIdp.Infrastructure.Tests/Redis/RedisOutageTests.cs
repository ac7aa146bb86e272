using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using StackExchange.Redis;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Redis.Totp;
using StepUpIdp.Infrastructure.Redis.Sessions;

namespace StepUpIdp.Infrastructure.Tests.Redis;

/// <summary>
/// Every store against a Redis that does not answer: a closed port, or an embedded server of the test's own that it
/// stops. None uses the Redis a run is pointed at, so these are not in <c>Category=Redis</c>, which CI repeats
/// against redis-server, a cluster and Sentinel.
/// </summary>
public sealed class RedisOutageTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(4); // the 2 s Redis timeout plus scheduling

    private readonly IConnectionMultiplexer _unreachable = RedisConnection.Connect($"127.0.0.1:{ClosedPort()}");
    private readonly RedisKeys _keys = new("outage:");

    [Fact]
    public async Task Session_store_reports_unavailable_quickly_when_redis_is_down()
    {
        var store = new RedisSessionStore(_unreachable, _keys, new VerificationSeal(new byte[32]));

        await AssertUnavailableQuickly(() => store.GetAsync("account-1", "session-1"));
        await AssertUnavailableQuickly(() => store.RecordVerificationAsync("account-1", "session-1", "org-1", new(Now, VerificationMethod.EmailOtp), "stamp-hash"));
        await AssertUnavailableQuickly(() => store.ListManyAsync(["account-1", "account-2"]));
        await AssertUnavailableQuickly(() => store.ForgetOrganisationAsync("account-1", "org-1", Now));
        await AssertUnavailableQuickly(() => store.EndAllAsync("account-1"));
    }

    [Fact]
    public async Task Passcode_store_reports_unavailable_quickly_when_redis_is_down()
    {
        var store = new RedisPasscodeChallengeStore(_unreachable, _keys, new PasscodeHashing(RandomNumberGenerator.GetBytes(32)), PasscodeLimits.Default);
        var subject = new PasscodeSubject("org-1", "account-1");

        await AssertUnavailableQuickly(() => store.IssueAsync(subject, "192.0.2.1", Now));
        await AssertUnavailableQuickly(() => store.VerifyAsync(subject, "123456", Now));
        await AssertUnavailableQuickly(() => store.GetLockAsync("account-1", Now));
        await AssertUnavailableQuickly(() => store.UnlockAsync("account-1"));
    }

    [Fact]
    public async Task Totp_replay_guard_reports_unavailable_quickly_when_redis_is_down()
    {
        var guard = new RedisTotpReplayGuard(_unreachable, _keys);

        await AssertUnavailableQuickly(() => guard.TryUseAsync("account-1", 1, Now));
    }

    [Fact]
    public async Task Store_reports_unavailable_when_the_server_goes_away()
    {
        var server = EmbeddedRespServer.Start();
        using var redis = RedisConnection.Connect(server.Endpoint);
        var store = new RedisSessionStore(redis, _keys, new VerificationSeal(new byte[32]));
        Assert.Null(await store.GetAsync("account-1", "session-1"));

        server.Dispose();

        await AssertUnavailableQuickly(() => store.RecordVerificationAsync("account-1", "session-1", "org-1", new(Now, VerificationMethod.EmailOtp), "stamp-hash"));
    }

    public void Dispose() => _unreachable.Dispose();

    private static async Task AssertUnavailableQuickly(Func<Task> operation)
    {
        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<VerificationStoreUnavailableException>(operation);
        Assert.True(stopwatch.Elapsed < Quickly, $"Took {stopwatch.Elapsed} to notice the outage.");
    }

    /// <summary>A loopback port that nothing listens on (it was free a moment ago).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
