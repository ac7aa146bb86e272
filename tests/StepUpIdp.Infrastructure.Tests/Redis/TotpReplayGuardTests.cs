using StepUpIdp.Infrastructure.Redis.Totp;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class TotpReplayGuardTests(RedisTestServer server)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly long CurrentStep = Now.ToUnixTimeSeconds() / 30;

    private readonly RedisTotpReplayGuard _guard = new(server.Connection, server.NewKeys());

    [Fact]
    public async Task Time_step_is_accepted_only_the_first_time()
    {
        Assert.True(await _guard.TryUseAsync("account-1", CurrentStep, Now));
        Assert.False(await _guard.TryUseAsync("account-1", CurrentStep, Now));
        Assert.False(await _guard.TryUseAsync("account-1", CurrentStep, Now.AddSeconds(31)));
    }

    [Fact]
    public async Task Other_time_steps_and_other_accounts_are_independent()
    {
        Assert.True(await _guard.TryUseAsync("account-1", CurrentStep, Now));

        Assert.True(await _guard.TryUseAsync("account-1", CurrentStep + 1, Now));
        Assert.True(await _guard.TryUseAsync("account-2", CurrentStep, Now));
    }

    [Fact]
    public async Task Concurrent_uses_of_one_time_step_succeed_once()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _guard.TryUseAsync("account-1", CurrentStep, Now))));

        Assert.Single(results, used => used);
    }
}
