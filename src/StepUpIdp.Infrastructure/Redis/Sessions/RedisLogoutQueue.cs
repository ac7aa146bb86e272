using System.Text.Json;
using StackExchange.Redis;

namespace StepUpIdp.Infrastructure.Redis.Sessions;

public sealed class RedisLogoutQueue(IConnectionMultiplexer redis, RedisKeys keys) : ILogoutQueue
{
    /// <summary>KEYS: due, jobs. ARGV: now, lease until, max. Leases the due jobs and returns them.</summary>
    private const string Claim = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        local jobs = {}
        for _, id in ipairs(ids) do
          local job = redis.call('HGET', KEYS[2], id)
          if job then
            redis.call('ZADD', KEYS[1], ARGV[2], id)
            jobs[#jobs + 1] = job
          else
            redis.call('ZREM', KEYS[1], id)
          end
        end
        return jobs
        """;

    /// <summary>KEYS: due, jobs. ARGV: id, job, due. Stores a job and when it is due.</summary>
    private const string Put = """
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        return 1
        """;

    /// <summary>KEYS: due, jobs. ARGV: id.</summary>
    private const string Remove = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 1
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task EnqueueAsync(IReadOnlyList<LogoutDelivery> deliveries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        return RedisOutage.TranslateAsync(async () =>
        {
            var db = redis.GetDatabase();
            await Task.WhenAll(deliveries.Select(d => db.ScriptEvaluateAsync(Put, Keys, [d.Id, Serialize(d), now.ToUnixTimeMilliseconds()]))).ConfigureAwait(false);
        });
    }

    public Task<IReadOnlyList<LogoutDelivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max) =>
        RedisOutage.TranslateAsync(async () =>
        {
            var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Claim, Keys,
                [now.ToUnixTimeMilliseconds(), leaseUntil.ToUnixTimeMilliseconds(), max]).ConfigureAwait(false))!;
            return (IReadOnlyList<LogoutDelivery>)reply.Select(job => Deserialize((string?)job)).OfType<LogoutDelivery>().ToList();
        });

    public Task CompleteAsync(string id) =>
        RedisOutage.TranslateAsync(() => redis.GetDatabase().ScriptEvaluateAsync(Remove, Keys, [id]));

    public Task RetryAsync(LogoutDelivery delivery, DateTimeOffset dueAt)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return RedisOutage.TranslateAsync(() => redis.GetDatabase().ScriptEvaluateAsync(Put, Keys,
            [delivery.Id, Serialize(delivery), dueAt.ToUnixTimeMilliseconds()]));
    }

    public Task<long> CountAsync() =>
        RedisOutage.TranslateAsync(() => redis.GetDatabase().HashLengthAsync(keys.LogoutJobs));

    private RedisKey[] Keys => [keys.LogoutDue, keys.LogoutJobs];

    private static string Serialize(LogoutDelivery delivery) => JsonSerializer.Serialize(delivery, Json);

    /// <summary>A job this version cannot read is dropped rather than retried forever.</summary>
    private static LogoutDelivery? Deserialize(string? json)
    {
        try
        {
            return json is null ? null : JsonSerializer.Deserialize<LogoutDelivery>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
