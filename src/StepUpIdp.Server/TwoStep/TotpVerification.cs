using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Redis.Totp;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.TwoStep;

/// <summary>
/// Verification with an authenticator app or a recovery code: checks the code, refuses a
/// replayed time step on every node, counts failures toward the passcode lock-out, records the verification
/// and writes the audit log. Never logs a code. Throws
/// <see cref="StepUpIdp.Infrastructure.Redis.VerificationStoreUnavailableException"/> when Redis is down.
/// </summary>
public sealed class TotpVerification(
    AuthenticatorStore authenticators,
    ITotpReplayGuard replay,
    VerificationFailures failures,
    IPasscodeChallengeStore challenges,
    SignInSessions sessions,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>
    /// Checks a code for an authorization request of <paramref name="app"/> and, when right, records the verification
    /// in <paramref name="session"/> for the app's org.
    /// </summary>
    public async Task<TotpCheckResult> VerifyForAppAsync(HttpContext http, OrganisationApp app, SubjectFacts subject, CurrentSession session, string code, bool recoveryCode, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(subject.AccountId, code, recoveryCode, cancellationToken);
        if (result is TotpCheckResult.Verified verified)
        {
            await sessions.RecordVerificationAsync(http, session, app.OrganisationId, verified.Record);
        }

        var what = recoveryCode ? "recovery code" : "totp";
        if (result is TotpCheckResult.Verified { WithRecoveryCode: true })
        {
            await audit.WriteAsync(new AuditEvent(app.OrganisationId, AuditActions.RecoveryCodeUsed, AuditOutcomes.Success,
                subject.AccountId, subject.AccountId, $"recovery code for {app.ClientId}"), cancellationToken);
        }

        var (action, outcome) = result switch
        {
            TotpCheckResult.Verified => (AuditActions.Verified, AuditOutcomes.Success),
            TotpCheckResult.Locked => (AuditActions.VerificationLocked, AuditOutcomes.Denied),
            _ => (AuditActions.VerificationFailed, AuditOutcomes.Failure),
        };
        await audit.WriteAsync(new AuditEvent(app.OrganisationId, action, outcome, subject.AccountId, subject.AccountId,
            $"{what} for {app.ClientId}: {Describe(result)}; {subject.ExternalPolicy.Describe()}"), cancellationToken);
        return result;
    }

    /// <summary>
    /// Checks a code without recording a verification: the fresh proof that removing an authenticator needs.
    /// The lock-out, replay guard and single use of recovery codes apply all the same.
    /// </summary>
    public async Task<TotpCheckResult> CheckAsync(string accountId, string code, bool recoveryCode, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        byte[]? secret = null;
        if (!recoveryCode && (secret = await authenticators.FindSecretAsync(accountId, cancellationToken)) is null)
        {
            return await challenges.GetLockAsync(accountId, now) is { } lockedUntil
                ? new TotpCheckResult.Locked(lockedUntil)
                : new TotpCheckResult.NotEnrolled();
        }

        // Counted as a failure before the code is checked, in the script that reads the lock, so parallel guesses
        // can't have more codes checked than the lock-out allows.
        var begun = await failures.BeginAsync(accountId, now);
        if (begun is VerificationAttempt.Locked locked)
        {
            return new TotpCheckResult.Locked(locked.Until);
        }

        var attempt = (VerificationAttempt.MayCheck)begun;
        var accepted = false;
        var replayed = false;
        if (recoveryCode)
        {
            accepted = RecoveryCodes.Normalize(code).Length is > 0 and <= 64
                && await authenticators.TryUseRecoveryCodeAsync(accountId, code, now, cancellationToken);
        }
        else if (TotpAlgorithm.MatchStep(secret!, code, now) is { } step)
        {
            // Redis refuses the step on every node at once; the database keeps the newest step for good.
            replayed = !await replay.TryUseAsync(accountId, step, now)
                || !await authenticators.TryAdvanceStepAsync(accountId, step, cancellationToken);
            accepted = !replayed;
        }

        if (!accepted)
        {
            return attempt.LockedUntil is { } until
                ? new TotpCheckResult.Locked(until)
                : replayed ? new TotpCheckResult.Replayed() : new TotpCheckResult.Wrong();
        }

        await failures.SucceededAsync(accountId, attempt);
        return new TotpCheckResult.Verified(new VerificationRecord(WholeSeconds(now), VerificationMethod.Totp), recoveryCode);
    }

    /// <summary>
    /// Whole seconds: tokens carry verified_at/reverify_at as Unix seconds, and a verification must stop counting
    /// exactly at the reverify_at the relying app was told (as for emailed passcodes).
    /// </summary>
    public static DateTimeOffset WholeSeconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond));

    private static string Describe(TotpCheckResult result) => result switch
    {
        TotpCheckResult.Verified => "verified",
        TotpCheckResult.Wrong => "wrong code",
        TotpCheckResult.Replayed => "code already used (replay refused)",
        TotpCheckResult.Locked => "verification locked",
        TotpCheckResult.NotEnrolled => "no authenticator enrolled",
        _ => "unknown",
    };
}
