using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Tests.Authentication;

/// <summary>The IdP's own acr floor (scope stepup.admin, the admin pages) and an id_token_hint for another account.</summary>
public class IdpFloorAndHintTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static SignInFacts InternalSignedIn() => new()
    {
        Now = Now,
        IsAuthenticated = true,
        AuthTime = Now.AddMinutes(-5),
        UserType = UserType.Internal,
        Policy = ExternalUserPolicy.Default,
        Verification = new VerificationStatus.Due(DueReason.Never),
        HasRole = true,
        VerificationStoreAvailable = true,
    };

    [Fact]
    public void A_password_alone_does_not_reach_the_floor_of_otp()
    {
        var decision = SignInRequirements.Evaluate(InternalSignedIn() with { MinimumAcr = AcrLevel.Otp });

        Assert.Contains(VerificationMethod.EmailOtp, Assert.IsType<SignInDecision.RequireVerification>(decision).Methods);
    }

    [Fact]
    public void A_passcode_in_the_session_meets_the_floor()
    {
        var decision = SignInRequirements.Evaluate(InternalSignedIn() with
        {
            MinimumAcr = AcrLevel.Otp,
            SessionAcr = AcrLevel.Otp,
            SessionAcrAchievedAt = Now.AddMinutes(-1),
        });

        Assert.Equal(AcrLevel.Otp, Assert.IsType<SignInDecision.Proceed>(decision).Acr);
    }

    [Fact]
    public void The_app_asking_for_more_than_the_floor_gets_more()
    {
        var decision = SignInRequirements.Evaluate(InternalSignedIn() with
        {
            MinimumAcr = AcrLevel.Otp,
            SessionAcr = AcrLevel.Otp,
            RequestedAcrValues = [AcrValues.TwoStep],
        });

        Assert.IsType<SignInDecision.RequireEnrolment>(decision);
    }

    [Fact]
    public void The_floor_with_max_age_needs_a_fresh_passcode_too()
    {
        var decision = SignInRequirements.Evaluate(InternalSignedIn() with
        {
            MinimumAcr = AcrLevel.Otp,
            MaxAge = RecentAuthentication.Window,
            SessionAcr = AcrLevel.Otp,
            SessionAcrAchievedAt = Now.AddMinutes(-16),
        });

        Assert.IsType<SignInDecision.RequireVerification>(decision);
    }

    [Fact]
    public void A_hint_for_another_account_asks_for_a_sign_in_and_answers_login_required_to_prompt_none()
    {
        var facts = InternalSignedIn() with { HintNamesAnotherAccount = true };

        Assert.Contains("id_token_hint", Assert.IsType<SignInDecision.RequireSignIn>(SignInRequirements.Evaluate(facts)).Reason);
        Assert.Equal(OAuthErrors.LoginRequired, Assert.IsType<SignInDecision.Deny>(SignInRequirements.Evaluate(facts with { PromptNone = true })).Error);
    }

    [Fact]
    public void A_sign_in_during_the_interaction_answers_the_hint()
    {
        var facts = InternalSignedIn() with { HintNamesAnotherAccount = true, InteractionStartedAt = Now.AddMinutes(-6) };

        Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts));
    }
}
