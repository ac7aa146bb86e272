using StackExchange.Redis;
using StepUpIdp.Domain.Network;

namespace StepUpIdp.Infrastructure.Redis;

/// <summary>
/// The key layout (docs/redis.md). Parts are escaped so that ':' inside an id can't make two
/// different (org, account) pairs share a key.
/// </summary>
public sealed class RedisKeys
{
    private readonly string _prefix;

    public RedisKeys(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        _prefix = prefix;
    }

    /// <summary>
    /// One sign-in session (a hash). The account id is the hash tag, so a session and its account's session index
    /// live in one Redis Cluster slot and one script may touch both.
    /// </summary>
    public RedisKey Session(string accountId, string sessionId) => TaggedKey("session", accountId, sessionId);

    /// <summary>The set of an account's session ids.</summary>
    public RedisKey AccountSessions(string accountId) => TaggedKey("sessions", accountId, null);

    /// <summary>Sorted set of (account, session) by the time the session ends if unused: the expiry sweep's work list.</summary>
    public RedisKey SessionExpiries => Key("session-expiries");

    /// <summary>The pub/sub channel on which a node announces a saved change of the registrations (docs/performance.md).</summary>
    public RedisChannel RegistrationChanges => RedisChannel.Literal(_prefix + "registrations:changed");

    /// <summary>Back-channel logout deliveries: the jobs (a hash) and when each is next due (a sorted set), in one slot.</summary>
    public RedisKey LogoutJobs => _prefix + "{logout}:jobs";

    public RedisKey LogoutDue => _prefix + "{logout}:due";

    /// <summary>
    /// The one live emailed passcode of an account key for an organisation. Every per-account-key key carries the hash
    /// tag <c>{acct:accountKey}</c>, so the passcode scripts touch one Redis Cluster slot (docs/redis.md).
    /// </summary>
    public RedisKey PasscodeChallenge(string orgId, string accountKey) => AccountKeyed("passcode", accountKey, orgId);

    /// <summary>Sorted set of send times per account key (all organisations): cool-down and window limit.</summary>
    public RedisKey PasscodeSendsByAccount(string accountKey) => AccountKeyed("passcode-sends", accountKey);

    /// <summary>
    /// Sorted set of send times per client network (an IPv4 address or an IPv6 /64: <see cref="ClientNetwork"/>). It
    /// lives in a slot of its own, so a send reserves a place here in a step of its own.
    /// </summary>
    public RedisKey PasscodeSendsByIp(string clientIp) => Key("passcode-sends", "ip", ClientNetwork.KeyOf(clientIp));

    /// <summary>Sorted set of the times of an account's password reset emails: cool-down and window limit.</summary>
    public RedisKey PasswordResetSends(string accountId) => AccountKeyed("password-reset-sends", accountId);

    /// <summary>Consecutive failed tries and lock-out of an account key (all organisations).</summary>
    public RedisKey Lockout(string accountKey) => AccountKeyed("lockout", accountKey);

    /// <summary>Marks a TOTP time step as used by an account.</summary>
    public RedisKey TotpStepUsed(string accountKey, long timeStep) =>
        AccountKeyed("totp-used", accountKey, timeStep.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The ASP.NET Core Data Protection key ring shared by every node.</summary>
    public RedisKey DataProtectionKeys => Key("data-protection-keys");

    private RedisKey Key(string kind, params ReadOnlySpan<string> parts)
    {
        var key = _prefix + kind;
        foreach (var part in parts)
        {
            ArgumentException.ThrowIfNullOrEmpty(part);
            key += ":" + Escape(part);
        }

        return key;
    }

    private RedisKey AccountKeyed(string kind, string accountKey, params ReadOnlySpan<string> parts)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        var key = _prefix + kind + ":{acct:" + Escape(accountKey) + "}";
        foreach (var part in parts)
        {
            ArgumentException.ThrowIfNullOrEmpty(part);
            key += ":" + Escape(part);
        }

        return key;
    }

    private RedisKey TaggedKey(string kind, string accountId, string? id)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        var key = _prefix + kind + ":{" + Escape(accountId) + "}";
        if (id is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(id);
            key += ":" + Escape(id);
        }

        return key;
    }

    private static string Escape(string part) =>
        part.Contains('{') || part.Contains('}')
            ? EscapeSeparators(part).Replace("{", "%7B", StringComparison.Ordinal).Replace("}", "%7D", StringComparison.Ordinal)
            : EscapeSeparators(part);

    private static string EscapeSeparators(string part) =>
        part.Contains('%') || part.Contains(':')
            ? part.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal)
            : part;
}
