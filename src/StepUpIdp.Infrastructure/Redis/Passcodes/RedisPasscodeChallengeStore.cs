using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Telemetry;

namespace StepUpIdp.Infrastructure.Redis.Passcodes;

public sealed class RedisPasscodeChallengeStore(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    PasscodeHashing hashing,
    PasscodeLimits limits) : IPasscodeChallengeStore
{
    // Clean-up cushions on top of the passcode durations; decisions never rely on them.
    private static readonly TimeSpan TtlCushion = TimeSpan.FromMinutes(5);

    public Task<PasscodeIssueResult> IssueAsync(PasscodeSubject subject, string clientIp, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentException.ThrowIfNullOrEmpty(clientIp);

        var code = PasscodeGenerator.NewCode(limits.Digits);
        var expiresAt = now + limits.Validity;
        var sendId = Ms(now) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        RedisKey[] ipKeys = [keys.PasscodeSendsByIp(clientIp)];
        RedisValue[] ipArgs = [Ms(now), Ms(limits.SendWindow), limits.MaxSendsPerWindow, sendId, Ms(limits.SendWindow + TtlCushion)];
        RedisKey[] accountKeys =
        [
            keys.PasscodeChallenge(subject.OrgId, subject.AccountKey),
            keys.PasscodeSendsByAccount(subject.AccountKey),
            keys.Lockout(subject.AccountKey),
        ];
        RedisValue[] accountArgs =
        [
            Ms(now),
            hashing.HashPasscode(subject, code),
            Ms(expiresAt),
            Ms(limits.ResendCooldown),
            Ms(limits.SendWindow),
            limits.MaxSendsPerWindow,
            sendId,
            Ms(limits.Validity + TtlCushion),
            Ms(limits.SendWindow + TtlCushion),
        ];

        // Two steps, because the client network's send set and the account key's keys live in different Redis Cluster
        // slots: reserve a place for the network, then decide on the account's slot, and release the reservation when
        // the account step refuses. A reservation counts from the start, so no send ever passes either limit.
        return RedisOutage.TranslateAsync(async () =>
        {
            var db = redis.GetDatabase();
            var ipReply = (RedisResult[])(await db.ScriptEvaluateAsync(PasscodeScripts.ReserveIp, ipKeys, ipArgs).ConfigureAwait(false))!;
            switch ((string?)ipReply[0])
            {
                case "reserved":
                    break;
                case "ratelimited":
                    return new PasscodeIssueResult.RateLimited(Duration(ipReply[1]), PasscodeRateLimitScope.ClientIp);
                case var other:
                    throw UnexpectedReply(other);
            }

            var reply = (RedisResult[])(await db.ScriptEvaluateAsync(PasscodeScripts.Issue, accountKeys, accountArgs).ConfigureAwait(false))!;
            PasscodeIssueResult result = (string?)reply[0] switch
            {
                "issued" => new PasscodeIssueResult.Issued(code, expiresAt) { SendId = sendId },
                "locked" => new PasscodeIssueResult.Locked(At(reply[1])),
                "cooldown" => new PasscodeIssueResult.CoolingDown(Duration(reply[1])),
                "ratelimited" => new PasscodeIssueResult.RateLimited(Duration(reply[1]), PasscodeRateLimitScope.Account),
                var other => throw UnexpectedReply(other),
            };
            if (result is not PasscodeIssueResult.Issued)
            {
                await db.ScriptEvaluateAsync(PasscodeScripts.ReleaseIp, ipKeys, [sendId]).ConfigureAwait(false);
            }

            return result;
        });
    }

    public Task RefundAsync(PasscodeSubject subject, string clientIp, PasscodeIssueResult.Issued issued)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentException.ThrowIfNullOrEmpty(clientIp);
        ArgumentNullException.ThrowIfNull(issued);
        ArgumentException.ThrowIfNullOrEmpty(issued.SendId);

        RedisKey[] accountKeys =
        [
            keys.PasscodeChallenge(subject.OrgId, subject.AccountKey),
            keys.PasscodeSendsByAccount(subject.AccountKey),
        ];
        RedisValue[] args = [issued.SendId, hashing.HashPasscode(subject, issued.Code)];
        return RedisOutage.TranslateAsync(async () =>
        {
            var db = redis.GetDatabase();
            await db.ScriptEvaluateAsync(PasscodeRefundScript.Lua, accountKeys, args).ConfigureAwait(false);
            await db.ScriptEvaluateAsync(PasscodeScripts.ReleaseIp, [keys.PasscodeSendsByIp(clientIp)], [issued.SendId]).ConfigureAwait(false);
        });
    }

    public Task<PasscodeVerifyResult> VerifyAsync(PasscodeSubject subject, string submittedCode, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(submittedCode);

        var record = new VerificationRecord(now, VerificationMethod.EmailOtp);
        RedisKey[] scriptKeys =
        [
            keys.PasscodeChallenge(subject.OrgId, subject.AccountKey),
            keys.Lockout(subject.AccountKey),
        ];
        RedisValue[] args =
        [
            Ms(now),
            // Hash whatever was typed (trimmed); a malformed code simply won't match.
            hashing.HashPasscode(subject, submittedCode.Trim()),
            limits.MaxTriesPerPasscode,
            .. LockoutScript.Arguments(limits),
        ];

        return RedisOutage.TranslateAsync(async () =>
        {
            var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(PasscodeScripts.Verify, scriptKeys, args).ConfigureAwait(false))!;
            return (string?)reply[0] switch
            {
                "verified" => (PasscodeVerifyResult)new PasscodeVerifyResult.Verified(record),
                "wrong" => new PasscodeVerifyResult.Wrong((int)reply[1]),
                "expired" => new PasscodeVerifyResult.Expired(),
                "too_many" => new PasscodeVerifyResult.TooManyTries(),
                "locked" => LockedBy(At(reply[1]), now),
                var other => throw UnexpectedReply(other),
            };
        });
    }

    /// <summary>The script answers "locked" both for a lock already on and for the try that set it (until = now + lock duration).</summary>
    private PasscodeVerifyResult.Locked LockedBy(DateTimeOffset until, DateTimeOffset now)
    {
        if (Ms(until) == Ms(now) + Ms(limits.LockDuration))
        {
            IdpMetrics.LockedOut("verification");
        }

        return new PasscodeVerifyResult.Locked(until);
    }

    public Task<DateTimeOffset?> GetLockAsync(string accountKey, DateTimeOffset now) =>
        RedisOutage.TranslateAsync(async () =>
            LockedUntil(await redis.GetDatabase().HashGetAsync(keys.Lockout(accountKey), "until").ConfigureAwait(false), now));

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLocksAsync(IReadOnlyList<string> accountKeys, DateTimeOffset now) =>
        RedisOutage.TranslateAsync(async () =>
        {
            var batch = redis.GetDatabase().CreateBatch();
            var reads = accountKeys.Select(key => (Key: key, Until: batch.HashGetAsync(keys.Lockout(key), "until"))).ToList();
            batch.Execute();
            var locks = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var (key, until) in reads)
            {
                if (LockedUntil(await until.ConfigureAwait(false), now) is { } lockedUntil)
                {
                    locks[key] = lockedUntil;
                }
            }

            return (IReadOnlyDictionary<string, DateTimeOffset>)locks;
        });

    private static DateTimeOffset? LockedUntil(RedisValue until, DateTimeOffset now) =>
        until.TryParse(out long ms) && ms > now.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    public Task UnlockAsync(string accountKey) =>
        RedisOutage.TranslateAsync(() => redis.GetDatabase().KeyDeleteAsync(keys.Lockout(accountKey)));

    private static long Ms(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    private static long Ms(TimeSpan duration) => (long)duration.TotalMilliseconds;

    private static DateTimeOffset At(RedisResult unixMs) => DateTimeOffset.FromUnixTimeMilliseconds((long)unixMs);

    private static TimeSpan Duration(RedisResult ms) => TimeSpan.FromMilliseconds((long)ms);

    private static InvalidOperationException UnexpectedReply(string? reply) =>
        new($"The passcode script answered '{reply}', which this version does not understand.");
}
