using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Verification;

/// <summary>
/// When an external user's one-time-passcode verification counts, and for how long.
/// Always judged under the policy passed in, never the one in force when the verification was made:
/// shortening the interval takes effect at once, and lengthening it cannot revive a verification beyond
/// the new window (both follow from <c>now &lt; verifiedAt + reverifyEvery</c>).
/// </summary>
public static class ReverificationSchedule
{
    /// <summary>
    /// How long a PT0S ("verify at every sign-in") verification counts after it was made. A zero window
    /// would give tokens that expire the moment they are issued (their <c>exp</c> may not pass
    /// <c>reverify_at</c>), so the verification lives just long enough to finish the sign-in that asked
    /// for it; five minutes is the shortest non-zero interval admins may choose.
    /// </summary>
    public static TimeSpan EverySignInWindow => ExternalUserPolicy.MinReverifyEvery;

    /// <param name="policy">The policy in force now.</param>
    /// <param name="record">The last verification of this account for this org, or null.</param>
    /// <param name="now">The current time (from the host's <see cref="TimeProvider"/>).</param>
    /// <param name="interactionStartedAt">
    /// When the current authorization interaction began. Under PT0S a verification counts only when it
    /// was made during this interaction; without an interaction (refresh token, admin listing) a PT0S
    /// verification never counts.
    /// </param>
    public static VerificationStatus Evaluate(
        ExternalUserPolicy policy,
        VerificationRecord? record,
        DateTimeOffset now,
        DateTimeOffset? interactionStartedAt = null)
    {
        if (policy.Verification == VerificationRequirement.Off)
        {
            return new VerificationStatus.NotRequired();
        }

        if (record is null)
        {
            return new VerificationStatus.Due(DueReason.Never);
        }

        if (!Counts(policy, record.Method))
        {
            return new VerificationStatus.Due(DueReason.MethodNotAccepted);
        }

        DateTimeOffset reverifyAt;
        if (policy.ReverifyEvery == TimeSpan.Zero)
        {
            if (interactionStartedAt is not { } started || record.VerifiedAt < started)
            {
                return new VerificationStatus.Due(DueReason.Expired);
            }

            reverifyAt = record.VerifiedAt + EverySignInWindow;
        }
        else
        {
            reverifyAt = record.VerifiedAt + policy.ReverifyEvery;
        }

        if (now >= reverifyAt)
        {
            return new VerificationStatus.Due(DueReason.Expired);
        }

        return new VerificationStatus.Counting(record.VerifiedAt, reverifyAt, record.Method, AcrFor(record.Method));
    }

    /// <summary>
    /// Judges every verification a session made for the org and keeps the best: a counting one that reaches the
    /// highest <c>acr</c> (the latest of equals), or else the "due" answer for the most recent record.
    /// </summary>
    public static VerificationStatus EvaluateBest(
        ExternalUserPolicy policy,
        IEnumerable<VerificationRecord> records,
        DateTimeOffset now,
        DateTimeOffset? interactionStartedAt = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        VerificationStatus.Counting? best = null;
        VerificationRecord? latest = null;
        foreach (var record in records)
        {
            if (latest is null || record.VerifiedAt > latest.VerifiedAt)
            {
                latest = record;
            }

            if (Evaluate(policy, record, now, interactionStartedAt) is VerificationStatus.Counting counting
                && (best is null || counting.Acr > best.Acr || (counting.Acr == best.Acr && counting.ReverifyAt > best.ReverifyAt)))
            {
                best = counting;
            }
        }

        return best ?? Evaluate(policy, latest, now, interactionStartedAt);
    }

    /// <summary>
    /// The methods whose verification counts under the policy, in the policy's order: the policy's
    /// methods, and of those only TOTP when two-step verification is required.
    /// </summary>
    public static IReadOnlyList<VerificationMethod> CountingMethods(ExternalUserPolicy policy) =>
        policy.Methods
            .Where(m => !policy.RequireTwoStepVerification || m == VerificationMethod.Totp)
            .Distinct()
            .ToArray();

    /// <summary>
    /// The weakest <c>acr</c> a verification that counts under the policy reaches: what a token must show at least when
    /// the policy applies. A policy with no counting method (never valid) asks for the strongest, failing closed.
    /// </summary>
    public static AcrLevel WeakestCountingAcr(ExternalUserPolicy policy) =>
        CountingMethods(policy).Select(AcrFor).DefaultIfEmpty(AcrLevel.TwoStep).Min();

    /// <summary>
    /// The <c>acr</c> of tokens issued at a refresh under the policy: what the sign-in established, but never more than the
    /// verification that counts now reaches. A refresh never upgrades the level, and a level whose verification the
    /// policy in force no longer counts (an authenticator app dropped from its methods, say) is not kept either.
    /// </summary>
    public static AcrLevel AcrAtRefresh(AcrLevel granted, VerificationStatus.Counting counting)
    {
        ArgumentNullException.ThrowIfNull(counting);
        return counting.Acr < granted ? counting.Acr : granted;
    }

    /// <summary>The ACR level a verification with this method reaches.</summary>
    public static AcrLevel AcrFor(VerificationMethod method) => VerificationMethods.Describe(method).Acr;

    /// <summary>
    /// How long the store should keep a verification record: the policy's interval, at least
    /// <see cref="EverySignInWindow"/>. Expiry in the store is only a clean-up aid; <see cref="Evaluate"/>
    /// decides. Records cleaned up under a short interval are not revived when the interval is later
    /// lengthened; such users verify again, which fails closed.
    /// </summary>
    public static TimeSpan Retention(ExternalUserPolicy policy) =>
        policy.ReverifyEvery > EverySignInWindow ? policy.ReverifyEvery : EverySignInWindow;

    /// <summary>
    /// The lifetime to give a token issued at <paramref name="issuedAt"/> so that its <c>exp</c> is not
    /// later than <paramref name="reverifyAt"/>. Never negative; zero means the
    /// verification has already stopped counting and no token may be issued.
    /// </summary>
    public static TimeSpan CapTokenLifetime(DateTimeOffset issuedAt, TimeSpan lifetime, DateTimeOffset? reverifyAt)
    {
        if (lifetime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A token lifetime cannot be negative.");
        }

        if (reverifyAt is not { } limit)
        {
            return lifetime;
        }

        var remaining = limit - issuedAt;
        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return remaining < lifetime ? remaining : lifetime;
    }

    private static bool Counts(ExternalUserPolicy policy, VerificationMethod method) =>
        CountingMethods(policy).Contains(method);
}
