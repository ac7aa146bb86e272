using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Server.Admin;

/// <summary>
/// A person's verifications for one org across their live sessions, as admins see them: the person counts as
/// verified when a verification counts in at least one session; "next due" is the soonest of those to lapse.
/// </summary>
public sealed record SessionVerificationSummary(VerificationStatus Status, VerificationRecord? Last, int CountingSessions, DateTimeOffset? NextDueAt)
{
    public static SessionVerificationSummary Of(ExternalUserPolicy policy, IReadOnlyList<SignInSession> sessions, string organisationId, DateTimeOffset now)
    {
        var perSession = sessions
            .Select(s => ReverificationSchedule.EvaluateBest(policy, s.VerificationsFor(organisationId), now))
            .ToList();
        var counting = perSession.OfType<VerificationStatus.Counting>().ToList();
        var last = sessions.SelectMany(s => s.VerificationsFor(organisationId)).MaxBy(r => r.VerifiedAt);
        VerificationStatus status = counting.Count > 0
            ? counting.MaxBy(c => c.ReverifyAt)!
            : ReverificationSchedule.Evaluate(policy, last, now);
        return new SessionVerificationSummary(status, last, counting.Count, counting.Count > 0 ? counting.Min(c => c.ReverifyAt) : null);
    }

    /// <summary>Whether a verification counts in at least one session under <paramref name="policy"/>.</summary>
    public static bool CountsAnywhere(ExternalUserPolicy policy, IReadOnlyList<SignInSession> sessions, string organisationId, DateTimeOffset now) =>
        policy.Verification == VerificationRequirement.Off
        || sessions.Any(s => ReverificationSchedule.EvaluateBest(policy, s.VerificationsFor(organisationId), now) is VerificationStatus.Counting);
}
