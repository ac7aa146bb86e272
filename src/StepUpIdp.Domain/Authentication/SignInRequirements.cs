using System.Globalization;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Authentication;

/// <summary>
/// Decides, for one authorization request, whether a code may be issued or what the user must do first.
/// Modelled on Duende's <c>ProcessLoginAsync</c> (one ordered list of checks, one reason per branch) and
/// Keycloak's conditional authenticators (each level counts with the time it was reached).
/// The host gathers <see cref="SignInFacts"/>, asks, acts, and asks again after the user signed in,
/// verified or enrolled.
/// </summary>
public static class SignInRequirements
{
    private static readonly IReadOnlyList<VerificationMethod> OtpMethods = [VerificationMethod.EmailOtp, VerificationMethod.Totp];
    private static readonly IReadOnlyList<VerificationMethod> TwoStepMethods = [VerificationMethod.Totp];

    public static SignInDecision Evaluate(SignInFacts facts)
    {
        // OIDC Core 3.1.2.1: "none" must not be combined with any other prompt value.
        if (facts.PromptNone && facts.PromptLogin)
        {
            return new SignInDecision.Deny(OAuthErrors.InvalidRequest, "prompt=none cannot be combined with prompt=login.");
        }

        if (SignInNeeded(facts) is { } signInReason)
        {
            // A session that exists but cannot be checked is not "logged out": say so to a silent request.
            return facts.PromptNone
                ? facts.SessionUncheckable && !facts.IsAuthenticated
                    ? new SignInDecision.Deny(OAuthErrors.TemporarilyUnavailable, UnavailableDescription)
                    : new SignInDecision.Deny(OAuthErrors.LoginRequired, "The user must sign in.")
                : new SignInDecision.RequireSignIn(signInReason);
        }

        // An external user (guests included) reaching an enforced app needs a counting verification before any
        // code is issued, even with a valid SSO session; where none can be checked, fail closed.
        var policyApplies = PolicyApplies(facts);
        if (policyApplies && !facts.VerificationStoreAvailable)
        {
            return Unavailable(facts, "the org policy requires a verification and the verification store is unreachable");
        }

        if (!facts.HasRole)
        {
            return new SignInDecision.NotAssigned();
        }

        if (facts.GuestRefusal is { } refusal)
        {
            // The host audits it and answers a page, or access_denied to prompt=none.
            return new SignInDecision.RefuseGuest(refusal);
        }

        if (facts.IsGuest && !facts.SignedInWithEmailedPasscode)
        {
            // A guest signs in with an emailed passcode only, never with a password, whatever the app's enforcement or
            // the policy; an account that also has a password (a user elsewhere) is sent to the guest sign-in.
            return facts.PromptNone
                ? new SignInDecision.Deny(OAuthErrors.LoginRequired, "A guest signs in with a code sent by email.")
                : new SignInDecision.RequireGuestSignIn("a guest signs in with an emailed passcode; this session was signed in with a password");
        }

        if (policyApplies && facts.Verification is not VerificationStatus.Counting)
        {
            var why = facts.Verification is VerificationStatus.Due due
                ? $"org policy requires verification ({DescribeDue(due.Reason)})"
                : "org policy requires verification (no counting verification was given)";
            return AskToVerify(facts, ReverificationSchedule.CountingMethods(facts.Policy), why);
        }

        var achieved = AchievedLevel(facts, policyApplies);

        // OIDC Core 3.1.2.1 and 5.5.1.1: acr_values are voluntary and listed in order of preference; the
        // RP accepts any of them, so the weakest recognised one is what must be met. Unknown values are ignored.
        if (Required(facts) is { } requested && achieved < requested)
        {
            var candidates = requested == AcrLevel.TwoStep ? TwoStepMethods : OtpMethods;
            if (policyApplies)
            {
                // "a one-time-passcode verification that counts under the org policy".
                var counting = ReverificationSchedule.CountingMethods(facts.Policy);
                candidates = candidates.Where(counting.Contains).ToArray();
                if (candidates.Count == 0)
                {
                    return new SignInDecision.Deny(
                        OAuthErrors.UnmetAuthenticationRequirements,
                        $"The organisation's policy allows no verification method that reaches {requested.ToAcrValue()}.");
                }
            }

            var why = facts.MaxAge is { } maxAge
                ? $"acr_values asks for {requested.ToAcrValue()} within max_age {Seconds(maxAge)}s; reached {achieved.ToAcrValue()}"
                : $"acr_values asks for {requested.ToAcrValue()}; reached {achieved.ToAcrValue()}";
            return AskToVerify(facts, candidates, why);
        }

        return new SignInDecision.Proceed(achieved, facts.Verification);
    }

    /// <summary>What must be met: the weakest recognised <c>acr_values</c>, raised to the IdP's own floor.</summary>
    private static AcrLevel? Required(SignInFacts facts) =>
        (WeakestRecognised(facts.RequestedAcrValues), facts.MinimumAcr) switch
        {
            ({ } asked, { } floor) => asked > floor ? asked : floor,
            (var asked, var floor) => asked ?? floor,
        };

    /// <summary>The weakest recognised ACR in the list, or null when none is recognised.</summary>
    public static AcrLevel? WeakestRecognised(IEnumerable<string> acrValues)
    {
        AcrLevel? weakest = null;
        foreach (var value in acrValues)
        {
            if (AcrValues.TryParse(value, out var level) && (weakest is null || level < weakest))
            {
                weakest = level;
            }
        }

        return weakest;
    }

    private static string? SignInNeeded(SignInFacts facts)
    {
        if (!facts.IsAuthenticated)
        {
            return "no signed-in session";
        }

        if (facts.AuthTime is not { } authTime)
        {
            return "the session has no auth_time";
        }

        if (facts.AccessEnded)
        {
            return "an administrator of the organisation ended this person's access since the last sign-in";
        }

        // OIDC Core 3.1.2.1: prompt=login asks for a fresh sign-in; one made during this interaction is that sign-in.
        var signedInDuringInteraction = facts.InteractionStartedAt is { } started && authTime.ToUnixTimeSeconds() >= started.ToUnixTimeSeconds();
        if (facts.PromptLogin && !signedInDuringInteraction)
        {
            return "prompt=login requested";
        }

        // OIDC Core 3.1.2.1: the app expects the account its id_token_hint names; with prompt=none that is
        // login_required. A sign-in during this interaction is the person's answer, whoever they are.
        if (facts.HintNamesAnotherAccount && !signedInDuringInteraction)
        {
            return "id_token_hint names another account than the session's";
        }

        // OIDC Core 3.1.2.1: "If the elapsed time is greater than this value, the OP MUST attempt to actively
        // re-authenticate". Greater, not equal, in whole seconds as auth_time travels, so max_age=0 is met by a
        // sign-in made this second; and a sign-in made during this very interaction always meets it, or the
        // person would be sent back to the sign-in page forever.
        if (facts.MaxAge is { } maxAge && !IsFresh(facts, authTime))
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"auth_time {authTime:O} is older than max_age {Seconds(maxAge)}s");
        }

        return null;
    }

    private static bool PolicyApplies(SignInFacts facts) =>
        facts.Policy.AppliesTo(facts.IsGuest ? UserType.External : facts.UserType, facts.App);

    /// <summary>
    /// The strongest level reached, counting only what is fresh under max_age when the request gave one.
    /// Where the org policy applies, only its verification lifts the user above Basic: a session's own
    /// step-up does not stand in for a verification the policy no longer counts.
    /// </summary>
    private static AcrLevel AchievedLevel(SignInFacts facts, bool policyApplies)
    {
        var achieved = AcrLevel.Basic;

        if (!policyApplies && facts.SessionAcr > achieved && IsFresh(facts, facts.SessionAcrAchievedAt ?? facts.AuthTime))
        {
            achieved = facts.SessionAcr;
        }

        if (facts.Verification is VerificationStatus.Counting counting && counting.Acr > achieved && IsFresh(facts, counting.VerifiedAt))
        {
            achieved = counting.Acr;
        }

        return achieved;
    }

    /// <summary>Within max_age (whole seconds), or made during this interaction.</summary>
    private static bool IsFresh(SignInFacts facts, DateTimeOffset? at)
    {
        if (at is not { } time)
        {
            return false;
        }

        if (facts.MaxAge is not { } maxAge
            || (facts.InteractionStartedAt is { } started && time.ToUnixTimeSeconds() >= started.ToUnixTimeSeconds()))
        {
            return true;
        }

        return facts.Now.ToUnixTimeSeconds() - time.ToUnixTimeSeconds() <= (long)maxAge.TotalSeconds;
    }

    public const string UnavailableDescription = "Verification is temporarily unavailable. Try again in a few minutes.";

    private static SignInDecision Unavailable(SignInFacts facts, string why) =>
        facts.PromptNone
            ? new SignInDecision.Deny(OAuthErrors.TemporarilyUnavailable, UnavailableDescription)
            : new SignInDecision.Unavailable(why);

    private static SignInDecision AskToVerify(SignInFacts facts, IReadOnlyList<VerificationMethod> methods, string why)
    {
        if (!facts.VerificationStoreAvailable)
        {
            // Asking for a code is pointless when it cannot be recorded (an app's acr_values, say).
            return Unavailable(facts, why + "; the verification store is unreachable");
        }

        // An authenticator app can only be used once enrolled; emailed passcodes need nothing beforehand.
        var usable = methods.Where(m => m != VerificationMethod.Totp || facts.HasAuthenticator).ToArray();

        if (facts.PromptNone)
        {
            return new SignInDecision.Deny(
                OAuthErrors.InteractionRequired,
                usable.Length == 0 ? "The user must set up an authenticator app." : "The user must verify with a one-time passcode.");
        }

        if (usable.Length == 0)
        {
            if (!methods.Contains(VerificationMethod.Totp))
            {
                return new SignInDecision.Deny(OAuthErrors.UnmetAuthenticationRequirements, "No verification method is available.");
            }

            // "Not now" on the enrolment page: the level cannot be reached, so say so instead of asking again.
            return facts.EnrolmentDeclined
                ? new SignInDecision.Deny(OAuthErrors.UnmetAuthenticationRequirements, EnrolmentDeclinedDescription)
                : new SignInDecision.RequireEnrolment($"{why}; only an authenticator app counts and none is enrolled");
        }

        return new SignInDecision.RequireVerification(usable, why);
    }

    public const string EnrolmentDeclinedDescription =
        "The account has no authenticator app and the person chose not to set one up, so the requested authentication level cannot be reached.";

    private static string DescribeDue(DueReason reason) => reason switch
    {
        DueReason.Never => "never verified",
        DueReason.Expired => "last verification expired",
        DueReason.MethodNotAccepted => "last verification used a method the policy no longer counts",
        _ => "verification due",
    };

    private static string Seconds(TimeSpan span) => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
