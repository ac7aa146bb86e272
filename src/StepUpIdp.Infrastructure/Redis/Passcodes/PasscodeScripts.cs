namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>
/// The Lua scripts behind <see cref="RedisPasscodeChallengeStore"/>. Each runs atomically (Redis runs
/// scripts one at a time; the embedded Garnet runs them in transaction mode), so concurrent requests
/// can't both pass a check, and an outage can't leave half a change. Times are Unix milliseconds from
/// the caller's clock; key TTLs are only clean-up. The Lua sticks to what both Redis 7 (Lua 5.1) and
/// Garnet (Lua 5.4) offer: no bit library, no integer division, numbers passed as strings.
/// </summary>
internal static class PasscodeScripts
{
    /// <summary>
    /// The first step of a send: reserves a place among the client network's sends (a slot of its own, so it cannot
    /// share a script with the account's keys). A reservation counts at once, so concurrent sends can never pass the
    /// limit together; the caller releases it (<see cref="ReleaseIp"/>) when the account step refuses.
    /// KEYS: sends by IP. ARGV: now, window, max sends, send id, sends TTL.
    /// Returns {'reserved'} | {'ratelimited', retryAfterMs}.
    /// </summary>
    public const string ReserveIp = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
          local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          return {'ratelimited', tonumber(oldest[2]) + window - now}
        end
        redis.call('ZADD', KEYS[1], now, ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return {'reserved'}
        """;

    /// <summary>KEYS: sends by IP. ARGV: send id. Takes back a reservation or a send.</summary>
    public const string ReleaseIp = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>
    /// The second step of a send, on the account key's slot (every key tagged <c>{acct:…}</c>).
    /// KEYS: challenge, sends by account, lock-out.
    /// ARGV: now, passcode hash, expires at, cool-down, window, max sends, send id, challenge TTL, sends TTL.
    /// Returns {'issued'} | {'locked', until} | {'cooldown', retryAfterMs} | {'ratelimited', retryAfterMs}.
    /// </summary>
    public const string Issue = LockoutScript.Functions + """
        local now = tonumber(ARGV[1])
        local lockedUntil = locked_until(KEYS[3], now)
        if lockedUntil then
          return {'locked', lockedUntil}
        end

        local cooldown = tonumber(ARGV[4])
        local window = tonumber(ARGV[5])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)

        local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
        if last[2] and now - tonumber(last[2]) < cooldown then
          return {'cooldown', tonumber(last[2]) + cooldown - now}
        end

        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) then
          local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
          return {'ratelimited', tonumber(oldest[2]) + window - now}
        end

        -- Only the newest passcode is live: replace the whole challenge, tries included.
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'exp', ARGV[3], 'tries', '0')
        redis.call('PEXPIRE', KEYS[1], ARGV[8])
        redis.call('ZADD', KEYS[2], now, ARGV[7])
        redis.call('PEXPIRE', KEYS[2], ARGV[9])
        return {'issued'}
        """;

    /// <summary>
    /// KEYS: challenge, lock-out.
    /// ARGV: now, submitted hash, max tries, failures before lock, lock duration, lock-out TTL.
    /// The verification itself is recorded in the sign-in session by the caller (docs/sessions.md).
    /// Returns {'verified'} | {'wrong', triesLeft} | {'expired'} | {'too_many'} | {'locked', until}.
    /// </summary>
    public const string Verify = LockoutScript.Functions + """
        local now = tonumber(ARGV[1])
        local lockedUntil = locked_until(KEYS[2], now)
        if lockedUntil then
          return {'locked', lockedUntil}
        end

        local challenge = redis.call('HMGET', KEYS[1], 'hash', 'exp')
        local stored = challenge[1]
        local expiresAt = tonumber(challenge[2] or '')
        if not stored or not expiresAt then
          return {'expired'}
        end
        if now >= expiresAt then
          redis.call('DEL', KEYS[1])
          return {'expired'}
        end

        -- Constant-time comparison: always walk every byte, never stop at the first difference.
        local submitted = ARGV[2]
        local difference = 0
        if #stored ~= #submitted then
          difference = 1
        end
        for i = 1, #stored do
          local d = string.byte(stored, i) - (string.byte(submitted, i) or 0)
          difference = difference + d * d
        end

        if difference == 0 then
          -- Single use; a success ends the run of consecutive failures.
          redis.call('DEL', KEYS[1])
          redis.call('DEL', KEYS[2])
          return {'verified'}
        end

        local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
        local lockedUntilNow = count_failure(KEYS[2], now, ARGV[4], ARGV[5], ARGV[6])
        if lockedUntilNow ~= 0 then
          redis.call('DEL', KEYS[1])
          return {'locked', lockedUntilNow}
        end
        if tries >= tonumber(ARGV[3]) then
          redis.call('DEL', KEYS[1])
          return {'too_many'}
        end
        return {'wrong', tonumber(ARGV[3]) - tries}
        """;
}
