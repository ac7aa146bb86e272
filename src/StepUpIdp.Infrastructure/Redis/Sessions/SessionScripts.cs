namespace StepUpIdp.Infrastructure.Redis.Sessions;

/// <summary>
/// The Lua scripts behind <see cref="RedisSessionStore"/>. Every key a script touches is declared and carries the
/// account's hash tag, so each script runs in one Redis Cluster slot, atomically. They stick to what both Redis 7
/// (Lua 5.1) and the embedded Garnet (Lua 5.4) offer: no unpack, numbers passed as strings.
/// </summary>
internal static class SessionScripts
{
    /// <summary>KEYS: session, account index. ARGV: session id, retention ms, then field/value pairs.</summary>
    public const string Create = """
        for i = 3, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('SADD', KEYS[2], ARGV[1])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
          redis.call('PEXPIRE', KEYS[2], ARGV[2])
        end
        return 1
        """;

    /// <summary>KEYS: session. ARGV: field/value pairs. Sets them only on a session that exists; returns 1 or 0.</summary>
    public const string SetIfExists = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return 0
        end
        for i = 1, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        return 1
        """;

    /// <summary>
    /// KEYS: account index, then sessions. ARGV: the session ids, in the same order. Removes the sessions and their
    /// index entries; returns, per session, its hash as it was (empty when it was already gone).
    /// </summary>
    public const string End = """
        local ended = {}
        for i = 2, #KEYS do
          ended[i - 1] = redis.call('HGETALL', KEYS[i])
          redis.call('DEL', KEYS[i])
          redis.call('SREM', KEYS[1], ARGV[i - 1])
        end
        return ended
        """;

    /// <summary>
    /// KEYS: sessions. ARGV: verification field prefix, access-ended field ('' for none), its value. Removes the
    /// organisation's verifications from every session and marks access ended; returns each hash afterwards.
    /// </summary>
    public const string ForgetOrganisation = """
        local after = {}
        for i = 1, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 1 then
            local fields = redis.call('HKEYS', KEYS[i])
            for _, field in ipairs(fields) do
              if string.sub(field, 1, #ARGV[1]) == ARGV[1] then
                redis.call('HDEL', KEYS[i], field)
              end
            end
            if ARGV[2] ~= '' then
              redis.call('HSET', KEYS[i], ARGV[2], ARGV[3])
            end
          end
          after[i] = redis.call('HGETALL', KEYS[i])
        end
        return after
        """;

    /// <summary>KEYS: expiry schedule. ARGV: now, max. Takes the due members; ZREM decides which caller gets each.</summary>
    public const string TakeDue = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, member in ipairs(due) do
          redis.call('ZREM', KEYS[1], member)
        end
        return due
        """;
}
