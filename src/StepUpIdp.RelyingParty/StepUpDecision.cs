using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// Whether a principal meets a <see cref="StepUpRequirement"/>: <see cref="IsSatisfied"/>, or a
/// <see cref="Challenge"/> saying what would. Made only by <see cref="Evaluate"/>, which denies unless
/// every condition is positively met.
/// </summary>
/// <example>
/// <code>
/// var decision = StepUpDecision.Evaluate(user, new StepUpRequirement(StepUpAcr.Otp, TimeSpan.FromMinutes(10)), timeProvider.GetUtcNow());
/// if (!decision.IsSatisfied)
/// {
///     logger.LogInformation("Step-up needed: {Reason}", decision.Challenge.Description);
/// }
/// </code>
/// </example>
public sealed class StepUpDecision
{
    /// <summary>
    /// How far the IdP's clock may be from this app's when times it wrote are compared with this app's clock: two
    /// minutes. An <c>auth_time</c> up to this far ahead counts as just now (further ahead, as missing); a session is
    /// due for re-verification this long after <c>reverify_at</c>; a logout token's <c>iat</c> and <c>exp</c> get it too.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private static readonly StepUpDecision SatisfiedDecision = new(null);

    private StepUpDecision(StepUpChallenge? challenge) => Challenge = challenge;

    /// <summary>True when the principal meets the requirement.</summary>
    [MemberNotNullWhen(false, nameof(Challenge))]
    public bool IsSatisfied => Challenge is null;

    /// <summary>What the person must do when the requirement is not met; null when it is.</summary>
    public StepUpChallenge? Challenge { get; }

    /// <summary>Decides whether <paramref name="principal"/> meets <paramref name="requirement"/> at <paramref name="now"/>.</summary>
    /// <remarks>
    /// Fails closed: a missing or unknown <c>acr</c> meets no acr requirement, a missing <c>auth_time</c>, or one
    /// more than <see cref="ClockSkew"/> ahead of <paramref name="now"/>, meets no age requirement, and a principal
    /// carrying <c>api_token_id</c> meets no requirement at all (an API token never satisfies a step-up requirement).
    /// </remarks>
    public static StepUpDecision Evaluate(ClaimsPrincipal principal, StepUpRequirement requirement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(requirement);

        if (principal.Identity?.IsAuthenticated != true)
        {
            return Required(requirement, "Authentication is required.");
        }

        if (StepUpClaims.IsFromApiToken(principal))
        {
            return Required(requirement, "A token exchanged from an API token cannot satisfy this step-up requirement; sign in interactively.");
        }

        string? acrValues = null;
        var reasons = new List<string>(2);
        if (requirement.MinimumAcr is { } minimumAcr && !StepUpAcr.Satisfies(StepUpClaims.Acr(principal), minimumAcr))
        {
            acrValues = minimumAcr;
            reasons.Add("A stronger authentication level is required.");
        }

        TimeSpan? maxAge = null;
        if (requirement.MaxAge is { } age)
        {
            // "More than max_age seconds ago" is too old (OIDC Core 3.1.2.1); exactly max_age still counts. An
            // auth_time further ahead than the IdP's clock can be is as good as missing, or it would count for ever.
            var authTime = StepUpClaims.AuthTime(principal);
            if (authTime is null || authTime.Value > now + ClockSkew || now - authTime.Value > age)
            {
                maxAge = age;
                reasons.Add("More recent authentication is required.");
            }
        }

        return reasons.Count == 0
            ? SatisfiedDecision
            : new StepUpDecision(new StepUpChallenge(acrValues, maxAge, string.Join(" ", reasons)));
    }

    /// <summary>
    /// Decides whether the verification a signed-in external user's token vouches for is due again:
    /// <c>reverify_at</c> is at or before <paramref name="now"/> less <see cref="ClockSkew"/>. A principal without
    /// <c>reverify_at</c> (internal users) is never due; one with a malformed value always is.
    /// </summary>
    /// <remarks>
    /// The allowance is for an IdP whose clock is behind this app's: asked too early, it still counts the
    /// verification and sends the same <c>reverify_at</c> back, and the person would go round between the app and
    /// the IdP until its clock caught up.
    /// </remarks>
    public static StepUpDecision EvaluateReverification(ClaimsPrincipal principal, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(principal);

        var claim = principal.FindFirst(StepUpClaimTypes.ReverifyAt);
        if (claim is null)
        {
            return SatisfiedDecision;
        }

        var reverifyAt = StepUpClaims.ReverifyAt(principal);
        if (reverifyAt is { } due && now < due + ClockSkew)
        {
            return SatisfiedDecision;
        }

        // The IdP asks for a passcode when the verification no longer counts, even with an SSO session
        //; asking for at least otp keeps a 2sv user at 2sv.
        var acr = StepUpClaims.Acr(principal) is { } current && StepUpAcr.IsKnown(current)
            ? StepUpAcr.Stronger(current, StepUpAcr.Otp)
            : StepUpAcr.Otp;
        return new StepUpDecision(new StepUpChallenge(acr, null, "Re-verification is due."));
    }

    private static StepUpDecision Required(StepUpRequirement requirement, string description) =>
        new(new StepUpChallenge(requirement.MinimumAcr, requirement.MaxAge, description));
}
