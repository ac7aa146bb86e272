using System.Globalization;
using StackExchange.Redis;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Telemetry;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>Whether an authenticator or recovery code may be checked now. The hierarchy is closed.</summary>
public abstract record VerificationAttempt
{
    private VerificationAttempt()
    {
    }

    /// <summary>
    /// The code may be checked; the attempt is already counted as a failure. <paramref name="LockedUntil"/> is set
    /// when this attempt was the one that locked verification: a wrong code answers "locked", a right one lifts it.
    /// </summary>
    public sealed record MayCheck(DateTimeOffset? LockedUntil) : VerificationAttempt;

    /// <summary>Verification is locked; the code must not be checked.</summary>
    public sealed record Locked(DateTimeOffset Until) : VerificationAttempt;
}

/// <summary>
/// Counts authenticator and recovery codes toward the same lock-out as wrong emailed passcodes (10 consecutive
/// failures lock verification for 15 minutes). The attempt is counted in the same Redis script that checks the
/// lock, before the code is checked, so parallel guesses can never have more codes checked than the lock-out
/// allows; a right code then takes the count back. It shares the lock-out hash of
/// <see cref="Redis.Passcodes.IPasscodeChallengeStore"/>, whose <c>GetLockAsync</c>/<c>UnlockAsync</c> read and lift it.
/// </summary>
public sealed class VerificationFailures(IConnectionMultiplexer redis, RedisKeys keys, PasscodeLimits limits)
{
    /// <summary>Checks the lock and, when open, counts this attempt as a failure, in one atomic step.</summary>
    public Task<VerificationAttempt> BeginAsync(string accountKey, DateTimeOffset now) =>
        RedisOutage.TranslateAsync(async () =>
        {
            RedisKey[] scriptKeys = [keys.Lockout(accountKey)];
            RedisValue[] args = [now.ToUnixTimeMilliseconds(), .. LockoutScript.Arguments(limits)];
            var reply = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(VerificationAttemptScripts.Count, scriptKeys, args).ConfigureAwait(false))!;
            var until = (long)reply[1];
            if (until != 0 && (string?)reply[0] == "check")
            {
                IdpMetrics.LockedOut("verification");
            }

            return (string?)reply[0] switch
            {
                "locked" => (VerificationAttempt)new VerificationAttempt.Locked(DateTimeOffset.FromUnixTimeMilliseconds(until)),
                "check" => new VerificationAttempt.MayCheck(until == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(until)),
                var other => throw new InvalidOperationException($"The verification-attempt script answered '{other}', which this version does not understand."),
            };
        });

    /// <summary>
    /// A right code ends the run of consecutive failures, its own included. A lock-out already on stays, unless
    /// <paramref name="attempt"/> set it itself.
    /// </summary>
    public Task SucceededAsync(string accountKey, VerificationAttempt.MayCheck attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var lockedByAttempt = attempt.LockedUntil?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? "0";
        return RedisOutage.TranslateAsync(() =>
            redis.GetDatabase().ScriptEvaluateAsync(VerificationAttemptScripts.Succeed, [keys.Lockout(accountKey)], [lockedByAttempt]));
    }
}
