using StackExchange.Redis;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Infrastructure.Redis.Verification;

public sealed class RedisVerificationStore(IConnectionMultiplexer redis, RedisKeys keys) : IVerificationStore
{
    public Task<VerificationRecord?> GetAsync(string orgId, string accountId) =>
        RedisOutage.TranslateAsync(async () =>
        {
            var value = await redis.GetDatabase().StringGetAsync(keys.Verification(orgId, accountId)).ConfigureAwait(false);
            return VerificationRecordFormat.Parse(value);
        });

    public Task RecordAsync(string orgId, string accountId, VerificationRecord record, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        return RedisOutage.TranslateAsync(() => redis.GetDatabase().StringSetAsync(
            keys.Verification(orgId, accountId), VerificationRecordFormat.Format(record), retention));
    }

    public Task ResetAsync(string orgId, string accountId) =>
        RedisOutage.TranslateAsync(() => redis.GetDatabase().KeyDeleteAsync(keys.Verification(orgId, accountId)));

    public Task<IReadOnlyDictionary<string, VerificationRecord>> GetManyAsync(string orgId, IReadOnlyList<string> accountIds)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        return RedisOutage.TranslateAsync(async () =>
        {
            var records = new Dictionary<string, VerificationRecord>(StringComparer.Ordinal);
            if (accountIds.Count == 0)
            {
                return (IReadOnlyDictionary<string, VerificationRecord>)records;
            }

            // One pipelined batch rather than MGET: it is one round trip per server and still works
            // when the keys live on different cluster nodes.
            var batch = redis.GetDatabase().CreateBatch();
            var reads = accountIds.Select(id => batch.StringGetAsync(keys.Verification(orgId, id))).ToArray();
            batch.Execute();
            var values = await Task.WhenAll(reads).ConfigureAwait(false);

            for (var i = 0; i < accountIds.Count; i++)
            {
                if (VerificationRecordFormat.Parse(values[i]) is { } record)
                {
                    records[accountIds[i]] = record;
                }
            }

            return records;
        });
    }
}
