using StackExchange.Redis;
using StepUpIdp.Domain.Passcodes;

namespace StepUpIdp.Infrastructure.Redis;

/// <summary>
/// The one body of the verification lock-out, on the hash <see cref="RedisKeys.Lockout"/> (fields <c>failures</c> and
/// <c>until</c>) that emailed passcodes, authenticator codes and recovery codes share: 10 consecutive failures lock
/// verification for 15 minutes (<see cref="PasscodeLimits"/>). A script that checks or counts toward the lock-out starts
/// with <see cref="Functions"/> and calls them; <see cref="Arguments"/> are the three numbers
/// <c>count_failure</c> takes, in order. Lua kept to what both Redis 7 (Lua 5.1) and Garnet (Lua 5.4) offer.
/// </summary>
internal static class LockoutScript
{
    // Clean-up only: a lock-out hash outlives its lock by a day; decisions never rely on the TTL.
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    /// <summary>
    /// <c>locked_until(key, now)</c>: the end (Unix ms) of the lock on at <c>now</c>, or nil.
    /// <c>count_failure(key, now, failuresBeforeLock, lockDuration, ttl)</c>: counts one failure; the one that reaches
    /// the limit locks until <c>now + lockDuration</c> and starts the count again. Returns that end, or 0.
    /// </summary>
    public const string Functions = """
        local function locked_until(key, now)
          local lockedUntil = tonumber(redis.call('HGET', key, 'until') or '0')
          if lockedUntil > now then
            return lockedUntil
          end
          return nil
        end

        local function count_failure(key, now, failuresBeforeLock, lockDuration, ttl)
          local failures = redis.call('HINCRBY', key, 'failures', 1)
          redis.call('PEXPIRE', key, ttl)
          if failures >= tonumber(failuresBeforeLock) then
            local lockedUntilNow = now + tonumber(lockDuration)
            redis.call('HSET', key, 'until', lockedUntilNow, 'failures', '0')
            return lockedUntilNow
          end
          return 0
        end

        """;

    /// <summary>failuresBeforeLock, lockDuration (ms), ttl (ms): the script arguments behind <c>count_failure</c>.</summary>
    public static RedisValue[] Arguments(PasscodeLimits limits) =>
    [
        limits.ConsecutiveFailuresBeforeLock,
        (long)limits.LockDuration.TotalMilliseconds,
        (long)(limits.LockDuration + Retention).TotalMilliseconds,
    ];
}
