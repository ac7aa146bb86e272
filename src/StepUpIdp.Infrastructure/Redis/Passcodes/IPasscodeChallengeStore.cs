namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>
/// Emailed one-time passcodes. Every decision is made against the
/// <c>now</c> passed in; every method throws <see cref="VerificationStoreUnavailableException"/>
/// when Redis is down.
/// </summary>
public interface IPasscodeChallengeStore
{
    Task<PasscodeIssueResult> IssueAsync(PasscodeSubject subject, string clientIp, DateTimeOffset now);

    /// <summary>
    /// Takes back a send whose email could not be delivered: it no longer counts toward the cool-down or the send
    /// limits, and its passcode (never seen by anyone) is dropped unless a newer one replaced it.
    /// </summary>
    Task RefundAsync(PasscodeSubject subject, string clientIp, PasscodeIssueResult.Issued issued);

    /// <summary>
    /// Checks a submitted passcode. On success the passcode is used up and the account's consecutive failures are
    /// cleared in one atomic step; the caller records the verification in the sign-in session.
    /// </summary>
    Task<PasscodeVerifyResult> VerifyAsync(PasscodeSubject subject, string submittedCode, DateTimeOffset now);

    /// <summary>When the account key's lock-out ends, or null when it is not locked at <paramref name="now"/>.</summary>
    Task<DateTimeOffset?> GetLockAsync(string accountKey, DateTimeOffset now);

    /// <summary>The lock-outs in force among <paramref name="accountKeys"/>, in one pipelined round trip (admin listings).</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLocksAsync(IReadOnlyList<string> accountKeys, DateTimeOffset now);

    /// <summary>Ends a lock-out and clears the consecutive-failure count (an admin action).</summary>
    Task UnlockAsync(string accountKey);
}
