using StackExchange.Redis;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>
/// Counts wrong authenticator and recovery codes toward the same lock-out as wrong emailed passcodes
/// (contract section 4: 10 consecutive failures across passcodes lock verification for 15 minutes). It
/// shares the lock-out hash of <see cref="Redis.Passcodes.IPasscodeChallengeStore"/>, whose
/// <c>GetLockAsync</c>/<c>UnlockAsync</c> read and lift it.
/// </summary>
public sealed class VerificationFailures(IConnectionMultiplexer redis, RedisKeys keys, PasscodeLimits limits)
{
    private static readonly TimeSpan LockoutRetention = TimeSpan.FromDays(1);

    /// <summary>KEYS: lock-out. ARGV: now, failures before lock, lock duration, TTL. Returns {'counted', left} | {'locked', until}.</summary>
    private const string CountScript = """
        local now = tonumber(ARGV[1])
        local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
        if lockedUntil > now then
          return {'locked', lockedUntil}
        end
        local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        if failures >= tonumber(ARGV[2]) then
          local untilNow = now + tonumber(ARGV[3])
          redis.call('HSET', KEYS[1], 'until', untilNow, 'failures', '0')
          return {'locked', untilNow}
        end
        return {'counted', tonumber(ARGV[2]) - failures}
        """;

    /// <summary>Counts one failure; returns when the lock-out it caused (or that was already on) ends, else null.</summary>
    public Task<DateTimeOffset?> CountAsync(string accountKey, DateTimeOffset now) =>
        RedisOutage.TranslateAsync(async () =>
        {
            RedisKey[] scriptKeys = [keys.Lockout(accountKey)];
            RedisValue[] args =
            [
                now.ToUnixTimeMilliseconds(),
                limits.ConsecutiveFailuresBeforeLock,
                (long)limits.LockDuration.TotalMilliseconds,
                (long)(limits.LockDuration + LockoutRetention).TotalMilliseconds,
            ];
            var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CountScript, scriptKeys, args).ConfigureAwait(false))!;
            return (string?)reply[0] == "locked" ? DateTimeOffset.FromUnixTimeMilliseconds((long)reply[1]) : (DateTimeOffset?)null;
        });

    /// <summary>A success ends the run of consecutive failures; a lock-out already on is left alone.</summary>
    public Task ClearAsync(string accountKey) =>
        RedisOutage.TranslateAsync(() => redis.GetDatabase().HashDeleteAsync(keys.Lockout(accountKey), "failures"));}
