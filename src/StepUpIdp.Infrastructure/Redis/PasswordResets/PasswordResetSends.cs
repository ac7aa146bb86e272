using System.Security.Cryptography;
using StackExchange.Redis;

namespace StepUpIdp.Infrastructure.Redis.PasswordResets;

/// <summary>
/// The times of an account's password reset emails, kept in Redis like the passcode send limits (docs/redis.md). A send
/// is reserved first, in one script that also answers the earlier sends, so concurrent requests on any node each see
/// the others; the caller decides with <see cref="Domain.Accounts.PasswordResetEmailLimit"/> and releases a refused
/// reservation, as the passcode sends do for the client network.
/// </summary>
public sealed class PasswordResetSends(IConnectionMultiplexer redis, RedisKeys keys)
{
    // Clean-up only; decisions never rely on the TTL.
    private static readonly TimeSpan TtlCushion = TimeSpan.FromMinutes(5);

    /// <summary>KEYS: sends. ARGV: now, window, send id, TTL. Returns the earlier sends in the window, as member, score pairs.</summary>
    private const string ReserveScript = """
        local now = tonumber(ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
        local earlier = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
        redis.call('ZADD', KEYS[1], now, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return earlier
        """;

    /// <summary>
    /// Counts a send to the account now and answers the earlier ones within <paramref name="window"/>. Throws
    /// <see cref="VerificationStoreUnavailableException"/> when Redis is down.
    /// </summary>
    public Task<(string SendId, IReadOnlyList<DateTimeOffset> Earlier)> ReserveAsync(string accountId, DateTimeOffset now, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        var sendId = now.ToUnixTimeMilliseconds() + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        RedisValue[] args = [now.ToUnixTimeMilliseconds(), (long)window.TotalMilliseconds, sendId, (long)(window + TtlCushion).TotalMilliseconds];
        return RedisOutage.TranslateAsync(async () =>
        {
            var reply = (RedisResult[])(await redis.GetDatabase()
                .ScriptEvaluateAsync(ReserveScript, [keys.PasswordResetSends(accountId)], args).ConfigureAwait(false))!;
            var earlier = new List<DateTimeOffset>();
            for (var i = 1; i < reply.Length; i += 2)
            {
                earlier.Add(DateTimeOffset.FromUnixTimeMilliseconds((long)(double)reply[i]));
            }

            return (sendId, (IReadOnlyList<DateTimeOffset>)earlier);
        });
    }

    /// <summary>Takes back a reservation that was refused, so it does not count.</summary>
    public Task ReleaseAsync(string accountId, string sendId) =>
        RedisOutage.TranslateAsync(() => redis.GetDatabase().SortedSetRemoveAsync(keys.PasswordResetSends(accountId), sendId));
}
