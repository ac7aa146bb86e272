using StackExchange.Redis;

namespace StepUpIdp.Infrastructure.Redis.Totp;

public sealed class RedisTotpReplayGuard(IConnectionMultiplexer redis, RedisKeys keys) : ITotpReplayGuard
{
    // 30 s steps, one step of drift either way.
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinimumMemory = 3 * Step;
    private static readonly TimeSpan MaximumMemory = TimeSpan.FromMinutes(10);

    public Task<bool> TryUseAsync(string accountKey, long timeStep, DateTimeOffset now)
    {
        // Remember the step until it can no longer be accepted (the end of step + 1), and at least
        // three steps so a clock that differs from the server's can't shorten it.
        var acceptableUntil = DateTimeOffset.UnixEpoch + (timeStep + 2) * Step;
        var memory = TimeSpan.FromTicks(Math.Clamp((acceptableUntil - now).Ticks, MinimumMemory.Ticks, MaximumMemory.Ticks));

        return RedisOutage.TranslateAsync(() => redis.GetDatabase().StringSetAsync(
            keys.TotpStepUsed(accountKey, timeStep), "1", memory, When.NotExists));
    }
}
