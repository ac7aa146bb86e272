using System.Globalization;
using StackExchange.Redis;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Infrastructure.Redis.Sessions;

/// <summary>
/// A session as a Redis hash (docs/redis.md). Times are Unix milliseconds. Per-organisation facts are fields named
/// <c>v:{org}:{method}</c> (a verification), <c>x:{org}</c> (access ended) and <c>rp:{client_id}</c> (an app that got
/// tokens), so one HSET or HDEL changes one fact. A verification's value carries a MAC (<see cref="VerificationSeal"/>).
/// Anything unreadable or unsealed is left out, so a damaged or forged field never counts.
/// </summary>
internal static class SessionHashFormat
{
    public const string Account = "acct";
    public const string AuthTime = "auth";
    public const string Methods = "amr";
    public const string Created = "created";
    public const string Used = "used";
    public const string Expires = "exp";
    public const string Device = "ua";
    public const string Address = "ip";
    public const string CookieStamp = "ck";
    public const string VerificationPrefix = "v:";
    public const string AccessEndedPrefix = "x:";
    public const string ClientPrefix = "rp:";

    public static string VerificationField(string organisationId, VerificationMethod method) =>
        VerificationPrefix + organisationId + ":" + VerificationMethods.Describe(method).WireName;

    public static string VerificationFieldPrefix(string organisationId) => VerificationPrefix + organisationId + ":";

    public static string AccessEndedField(string organisationId) => AccessEndedPrefix + organisationId;

    public static string ClientField(string clientId) => ClientPrefix + clientId;

    public static List<RedisValue> Fields(SignInSession session, VerificationSeal seal)
    {
        var fields = new List<RedisValue>
        {
            Account, session.AccountId,
            AuthTime, Ms(session.AuthTime),
            Methods, string.Join(' ', session.Methods),
            Created, Ms(session.CreatedAt),
            Used, Ms(session.LastUsedAt),
            Expires, Ms(session.ExpiresAt),
            Device, session.Device ?? string.Empty,
            Address, session.ClientAddress ?? string.Empty,
        };
        if (session.CookieStampHash is { } stamp)
        {
            fields.Add(CookieStamp);
            fields.Add(stamp);
        }

        foreach (var verification in session.Verifications)
        {
            var field = VerificationField(verification.OrganisationId, verification.Record.Method);
            fields.Add(field);
            fields.Add(seal.Seal(session.AccountId, session.Id, field, verification.Record.VerifiedAt));
        }

        return fields;
    }

    /// <summary>Null when the hash is empty or misses what every session has.</summary>
    public static SignInSession? Parse(string sessionId, RedisResult? hgetall, VerificationSeal seal)
    {
        if (hgetall is null || hgetall.IsNull)
        {
            return null;
        }

        var flat = (RedisResult[])hgetall!;
        var entries = new Dictionary<string, string>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            entries[(string)flat[i]!] = (string?)flat[i + 1] ?? string.Empty;
        }

        return Parse(sessionId, entries, seal);
    }

    public static SignInSession? Parse(string sessionId, HashEntry[] hash, VerificationSeal seal) =>
        hash.Length == 0 ? null : Parse(sessionId, hash.ToDictionary(e => (string)e.Name!, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal), seal);

    private static SignInSession? Parse(string sessionId, Dictionary<string, string> entries, VerificationSeal seal)
    {
        if (!entries.TryGetValue(Account, out var account) || account.Length == 0
            || Time(entries, AuthTime) is not { } authTime
            || Time(entries, Created) is not { } created
            || Time(entries, Used) is not { } used
            || Time(entries, Expires) is not { } expires)
        {
            return null;
        }

        var verifications = new List<SessionVerification>();
        var ended = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var clients = new List<string>();
        foreach (var (name, value) in entries)
        {
            if (name.StartsWith(VerificationPrefix, StringComparison.Ordinal))
            {
                var rest = name.AsSpan(VerificationPrefix.Length);
                var separator = rest.LastIndexOf(':');
                if (separator > 0 && VerificationMethods.FromWireName(rest[(separator + 1)..]) is { } method && seal.Open(account, sessionId, name, value) is { } at)
                {
                    verifications.Add(new SessionVerification(rest[..separator].ToString(), new VerificationRecord(at, method.Method)));
                }
            }
            else if (name.StartsWith(AccessEndedPrefix, StringComparison.Ordinal) && ParseMs(value) is { } endedAt)
            {
                ended[name[AccessEndedPrefix.Length..]] = endedAt;
            }
            else if (name.StartsWith(ClientPrefix, StringComparison.Ordinal) && name.Length > ClientPrefix.Length)
            {
                clients.Add(name[ClientPrefix.Length..]);
            }
        }

        return new SignInSession(
            sessionId,
            account,
            authTime,
            entries.GetValueOrDefault(Methods, string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries),
            created,
            used,
            expires,
            NullIfEmpty(entries.GetValueOrDefault(Device)),
            NullIfEmpty(entries.GetValueOrDefault(Address)),
            verifications,
            ended,
            clients) { CookieStampHash = NullIfEmpty(entries.GetValueOrDefault(CookieStamp)) };
    }

    public static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(Dictionary<string, string> entries, string field) =>
        entries.TryGetValue(field, out var value) ? ParseMs(value) : null;

    private static DateTimeOffset? ParseMs(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
