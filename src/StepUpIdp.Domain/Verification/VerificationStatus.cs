using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Verification;

/// <summary>
/// Whether an external user's verification counts under the org policy right now
/// (see <see cref="ReverificationSchedule.Evaluate"/>). The hierarchy is closed.
/// </summary>
public abstract record VerificationStatus
{
    private VerificationStatus()
    {
    }

    /// <summary>The org's policy has verification off; nothing is asked and nothing counts.</summary>
    public sealed record NotRequired : VerificationStatus;

    /// <summary>A verification that counts until <paramref name="ReverifyAt"/> (exclusive) and gives <paramref name="Acr"/>.</summary>
    public sealed record Counting(DateTimeOffset VerifiedAt, DateTimeOffset ReverifyAt, VerificationMethod Method, AcrLevel Acr)
        : VerificationStatus;

    /// <summary>The user must verify before an enforced app gets a code or token.</summary>
    public sealed record Due(DueReason Reason) : VerificationStatus;
}

public enum DueReason
{
    /// <summary>No verification is on record (never verified, reset by an admin, or cleaned up).</summary>
    Never = 1,

    /// <summary>The recorded verification is older than the policy's interval, or predates this sign-in under PT0S.</summary>
    Expired = 2,

    /// <summary>The recorded verification used a method the policy no longer counts.</summary>
    MethodNotAccepted = 3,
}
