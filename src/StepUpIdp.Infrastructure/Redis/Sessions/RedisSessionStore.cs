using StackExchange.Redis;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Infrastructure.Redis.Sessions;

public sealed class RedisSessionStore(IConnectionMultiplexer redis, RedisKeys keys, VerificationSeal seal) : ISessionStore
{
    private const char MemberSeparator = '\n';

    public Task CreateAsync(SignInSession session, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        var args = new List<RedisValue> { session.Id, (long)retention.TotalMilliseconds };
        args.AddRange(SessionHashFormat.Fields(session, seal));
        return RedisOutage.TranslateAsync(() => Database.ScriptEvaluateAsync(
            SessionScripts.Create, [keys.Session(session.AccountId, session.Id), keys.AccountSessions(session.AccountId)], args.ToArray()));
    }

    /// <summary>One plain HGETALL: the whole authorize-time check is one round trip with no script to run.</summary>
    public Task<SignInSession?> GetAsync(string accountId, string sessionId) =>
        RedisOutage.TranslateAsync(async () =>
            Owned(accountId, SessionHashFormat.Parse(sessionId, await Database.HashGetAllAsync(keys.Session(accountId, sessionId)).ConfigureAwait(false), seal)));

    public void RecordUse(string accountId, string sessionId, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var key = keys.Session(accountId, sessionId);
        try
        {
            var db = Database;
            db.HashSet(key, SessionHashFormat.Used, SessionHashFormat.Ms(now), flags: CommandFlags.FireAndForget);
            // Relative to the caller's clock, as at creation: Redis's own clock never decides anything here. Should the
            // session have been removed in between, the leftover hash has no account, never parses, and expires.
            var keep = expiresAt - now + CleanUpCushion;
            db.KeyExpire(key, keep > TimeSpan.FromMinutes(1) ? keep : TimeSpan.FromMinutes(1), CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisOutage.IsOutage(ex))
        {
            // A use that is not recorded only brings the idle timeout a little closer.
        }
    }

    /// <summary>How long after its lifetime Redis keeps a session's hash, so the expiry sweep still finds it.</summary>
    public static TimeSpan CleanUpCushion { get; } = TimeSpan.FromDays(1);

    public Task<bool> ReauthenticateAsync(string accountId, string sessionId, DateTimeOffset authTime, IReadOnlyList<string> methods, string cookieStampHash) =>
        SetIfExistsAsync(accountId, sessionId,
            SessionHashFormat.AuthTime, SessionHashFormat.Ms(authTime), SessionHashFormat.Methods, string.Join(' ', methods),
            SessionHashFormat.CookieStamp, cookieStampHash);

    public Task<bool> RecordVerificationAsync(string accountId, string sessionId, string organisationId, VerificationRecord record, string cookieStampHash)
    {
        ArgumentNullException.ThrowIfNull(record);
        var field = SessionHashFormat.VerificationField(organisationId, record.Method);
        return SetIfExistsAsync(accountId, sessionId, field, seal.Seal(accountId, sessionId, field, record.VerifiedAt),
            SessionHashFormat.CookieStamp, cookieStampHash);
    }

    public Task<bool> RecordClientAsync(string accountId, string sessionId, string clientId, DateTimeOffset at) =>
        SetIfExistsAsync(accountId, sessionId, SessionHashFormat.ClientField(clientId), SessionHashFormat.Ms(at));

    public async Task<SignInSession?> EndAsync(string accountId, string sessionId) =>
        (await RedisOutage.TranslateAsync(() => EndManyAsync(accountId, [sessionId])).ConfigureAwait(false)).SingleOrDefault();

    public Task<IReadOnlyList<SignInSession>> EndAllAsync(string accountId, string? keepSessionId = null) =>
        RedisOutage.TranslateAsync(async () =>
        {
            var ids = await SessionIdsAsync(accountId).ConfigureAwait(false);
            ids.Remove(keepSessionId!);
            return await EndManyAsync(accountId, ids).ConfigureAwait(false);
        });

    public Task<IReadOnlyList<SignInSession>> ForgetOrganisationAsync(string accountId, string organisationId, DateTimeOffset? accessEndedAt) =>
        RedisOutage.TranslateAsync(async () =>
        {
            var ids = await SessionIdsAsync(accountId).ConfigureAwait(false);
            if (ids.Count == 0)
            {
                return (IReadOnlyList<SignInSession>)[];
            }

            var reply = (RedisResult[])(await Database.ScriptEvaluateAsync(
                SessionScripts.ForgetOrganisation,
                ids.Select(id => keys.Session(accountId, id)).ToArray(),
                [
                    SessionHashFormat.VerificationFieldPrefix(organisationId),
                    accessEndedAt is null ? string.Empty : SessionHashFormat.AccessEndedField(organisationId),
                    accessEndedAt is { } at ? SessionHashFormat.Ms(at) : string.Empty,
                ]).ConfigureAwait(false))!;
            return Sessions(accountId, ids, reply);
        });

    public async Task<IReadOnlyList<SignInSession>> ListAsync(string accountId) =>
        (await ListManyAsync([accountId]).ConfigureAwait(false)).GetValueOrDefault(accountId) ?? [];

    public Task<IReadOnlyDictionary<string, IReadOnlyList<SignInSession>>> ListManyAsync(IReadOnlyList<string> accountIds)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        return RedisOutage.TranslateAsync(async () =>
        {
            var result = new Dictionary<string, IReadOnlyList<SignInSession>>(StringComparer.Ordinal);
            if (accountIds.Count == 0)
            {
                return (IReadOnlyDictionary<string, IReadOnlyList<SignInSession>>)result;
            }

            // Pipelined batches: one round trip per server each, and still fine when accounts live on different cluster nodes.
            var db = Database;
            var indexBatch = db.CreateBatch();
            var indexReads = accountIds.Select(id => indexBatch.SetMembersAsync(keys.AccountSessions(id))).ToArray();
            indexBatch.Execute();
            var indexes = await Task.WhenAll(indexReads).ConfigureAwait(false);

            var hashBatch = db.CreateBatch();
            var reads = new List<(string Account, string Session, Task<HashEntry[]> Read)>();
            for (var i = 0; i < accountIds.Count; i++)
            {
                foreach (var member in indexes[i])
                {
                    var sessionId = (string)member!;
                    reads.Add((accountIds[i], sessionId, hashBatch.HashGetAllAsync(keys.Session(accountIds[i], sessionId))));
                }
            }

            hashBatch.Execute();
            await Task.WhenAll(reads.Select(r => r.Read)).ConfigureAwait(false);
            foreach (var group in reads.GroupBy(r => r.Account, StringComparer.Ordinal))
            {
                result[group.Key] = group
                    .Select(r => Owned(r.Account, SessionHashFormat.Parse(r.Session, r.Read.Result, seal)))
                    .OfType<SignInSession>()
                    .OrderByDescending(s => s.LastUsedAt)
                    .ToList();
            }

            return (IReadOnlyDictionary<string, IReadOnlyList<SignInSession>>)result;
        });
    }

    public void ScheduleExpiry(string accountId, string sessionId, DateTimeOffset at)
    {
        try
        {
            Database.SortedSetAdd(keys.SessionExpiries, accountId + MemberSeparator + sessionId, at.ToUnixTimeMilliseconds(), CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisOutage.IsOutage(ex))
        {
            // Only the sweep's work list: an outage here means the sweep finds the session a little later.
        }
    }

    public Task<IReadOnlyList<(string AccountId, string SessionId)>> TakeDueExpiriesAsync(DateTimeOffset now, int max) =>
        RedisOutage.TranslateAsync(async () =>
        {
            var reply = (RedisResult[])(await Database.ScriptEvaluateAsync(SessionScripts.TakeDue, [keys.SessionExpiries],
                [now.ToUnixTimeMilliseconds(), max]).ConfigureAwait(false))!;
            return (IReadOnlyList<(string, string)>)reply
                .Select(member => ((string)member!).Split(MemberSeparator, 2))
                .Where(parts => parts.Length == 2)
                .Select(parts => (parts[0], parts[1]))
                .ToList();
        });

    private IDatabase Database => redis.GetDatabase();

    private Task<bool> SetIfExistsAsync(string accountId, string sessionId, params RedisValue[] fieldsAndValues) =>
        RedisOutage.TranslateAsync(async () =>
            (int)await Database.ScriptEvaluateAsync(SessionScripts.SetIfExists, [keys.Session(accountId, sessionId)], fieldsAndValues).ConfigureAwait(false) == 1);

    /// <summary>Ends the sessions in one script; the caller measures and translates (<see cref="RedisOutage"/>).</summary>
    private async Task<IReadOnlyList<SignInSession>> EndManyAsync(string accountId, IReadOnlyList<string> sessionIds)
    {
        if (sessionIds.Count == 0)
        {
            return [];
        }

        RedisKey[] scriptKeys = [keys.AccountSessions(accountId), .. sessionIds.Select(id => keys.Session(accountId, id))];
        var reply = (RedisResult[])(await Database.ScriptEvaluateAsync(SessionScripts.End, scriptKeys,
            sessionIds.Select(id => (RedisValue)id).ToArray()).ConfigureAwait(false))!;
        return Sessions(accountId, sessionIds, reply);
    }

    private async Task<List<string>> SessionIdsAsync(string accountId) =>
        (await Database.SetMembersAsync(keys.AccountSessions(accountId)).ConfigureAwait(false)).Select(v => (string)v!).ToList();

    private IReadOnlyList<SignInSession> Sessions(string accountId, IReadOnlyList<string> sessionIds, RedisResult[] hashes) =>
        sessionIds.Select((id, i) => Owned(accountId, SessionHashFormat.Parse(id, hashes[i], seal))).OfType<SignInSession>().ToList();

    /// <summary>A session found under an account's key must name that account, or it does not count.</summary>
    private static SignInSession? Owned(string accountId, SignInSession? session) =>
        session is not null && session.AccountId == accountId ? session : null;
}
