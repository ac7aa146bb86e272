using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Server.TokenStorage;

/// <summary>
/// The cluster-wide lock that makes one node prune per interval: <c>SET {prefix}token-pruning:lock node NX PX</c>.
/// The holder keeps it for the whole interval (it is not released after the run), so the other nodes skip
/// their turn; while a long run goes on, the holder extends it only if it still owns it.
/// </summary>
public sealed class TokenPruningLock(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions)
{
    private const string ExtendIfOwned =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

    private readonly RedisKey _key = redisOptions.Value.KeyPrefix + "token-pruning:lock";
    private readonly RedisValue _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>True when this node got the lock for <paramref name="hold"/>; false when another node holds it.</summary>
    public Task<bool> TryTakeAsync(TimeSpan hold) =>
        redis.GetDatabase().StringSetAsync(_key, _owner, hold, When.NotExists);

    /// <summary>Pushes the lock's expiry out to <paramref name="hold"/> from now, if this node still holds it.</summary>
    public async Task<bool> ExtendAsync(TimeSpan hold) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(ExtendIfOwned, [_key], [_owner, (long)hold.TotalMilliseconds]) == 1;
}
