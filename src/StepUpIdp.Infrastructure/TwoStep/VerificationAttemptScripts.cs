using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>
/// The Lua behind <see cref="VerificationFailures"/>, on the lock-out hash that emailed passcodes share
/// (<see cref="RedisKeys.Lockout"/>; the lock-out itself is <see cref="LockoutScript"/>). Each script runs atomically,
/// so parallel attempts are counted one after another. Times are Unix milliseconds from the caller's clock; the
/// Lua keeps to what both Redis 7 (Lua 5.1) and Garnet (Lua 5.4) offer.
/// </summary>
internal static class VerificationAttemptScripts
{
    /// <summary>
    /// Checks the lock and counts the attempt as a failure in one step, before the code is checked.
    /// KEYS: lock-out. ARGV: now, failures before lock, lock duration, TTL.
    /// Returns {'locked', until} (check nothing) | {'check', 0} | {'check', until} (the attempt that locked: check it,
    /// and a right code lifts the lock it set).
    /// </summary>
    public const string Count = LockoutScript.Functions + """
        local now = tonumber(ARGV[1])
        local lockedUntil = locked_until(KEYS[1], now)
        if lockedUntil then
          return {'locked', lockedUntil}
        end
        return {'check', count_failure(KEYS[1], now, ARGV[2], ARGV[3], ARGV[4])}
        """;

    /// <summary>
    /// A right code ends the run of consecutive failures. It lifts a lock only when this very attempt set it
    /// (ARGV: that lock's end, or 0); a lock set by another attempt stays on.
    /// KEYS: lock-out.
    /// </summary>
    public const string Succeed = """
        if ARGV[1] ~= '0' and redis.call('HGET', KEYS[1], 'until') == ARGV[1] then
          redis.call('DEL', KEYS[1])
        else
          redis.call('HDEL', KEYS[1], 'failures')
        end
        return 1
        """;
}
