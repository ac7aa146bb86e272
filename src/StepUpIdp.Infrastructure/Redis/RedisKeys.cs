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

    /// <summary>The last verification of an account for an organisation.</summary>
    public RedisKey Verification(string orgId, string accountId) => Key("verification", orgId, accountId);

    /// <summary>The one live emailed passcode of an account key for an organisation.</summary>
    public RedisKey PasscodeChallenge(string orgId, string accountKey) => Key("passcode", orgId, accountKey);

    /// <summary>Sorted set of send times per account key (all organisations): cool-down and window limit.</summary>
    public RedisKey PasscodeSendsByAccount(string accountKey) => Key("passcode-sends", "account", accountKey);

    /// <summary>Sorted set of send times per client network (an IPv4 address or an IPv6 /64: <see cref="ClientNetwork"/>).</summary>
    public RedisKey PasscodeSendsByIp(string clientIp) => Key("passcode-sends", "ip", ClientNetwork.KeyOf(clientIp));

    /// <summary>Consecutive failed tries and lock-out of an account key (all organisations).</summary>
    public RedisKey Lockout(string accountKey) => Key("lockout", accountKey);

    /// <summary>Marks a TOTP time step as used by an account.</summary>
    public RedisKey TotpStepUsed(string accountKey, long timeStep) =>
        Key("totp-used", accountKey, timeStep.ToString(System.Globalization.CultureInfo.InvariantCulture));

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

    private static string Escape(string part) =>
        part.Contains('%') || part.Contains(':')
            ? part.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal)
            : part;
}
