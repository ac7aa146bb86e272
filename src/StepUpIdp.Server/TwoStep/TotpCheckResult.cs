using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Server.TwoStep;

/// <summary>The answer to "is this the authenticator's (or a recovery) code?": exactly one of the nested cases.</summary>
public abstract record TotpCheckResult
{
    private TotpCheckResult()
    {
    }

    /// <param name="Record">The verification it makes (method TOTP, whole seconds).</param>
    /// <param name="WithRecoveryCode">A recovery code stood in for the app; it is now spent.</param>
    public sealed record Verified(VerificationRecord Record, bool WithRecoveryCode) : TotpCheckResult;

    /// <summary>Not a current code (or not an unused recovery code); counted toward the lock-out.</summary>
    public sealed record Wrong : TotpCheckResult;

    /// <summary>A correct code whose time step was already accepted (RFC 6238 section 5.2); counted too.</summary>
    public sealed record Replayed : TotpCheckResult;

    /// <summary>Verification is locked after too many consecutive failures (emailed passcodes included).</summary>
    public sealed record Locked(DateTimeOffset Until) : TotpCheckResult;

    /// <summary>The account has no authenticator app.</summary>
    public sealed record NotEnrolled : TotpCheckResult;
}
