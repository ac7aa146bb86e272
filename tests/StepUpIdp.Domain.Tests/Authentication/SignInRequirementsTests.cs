using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Guests;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Tests.Authentication;

public class SignInRequirementsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    private DateTimeOffset Now => _time.GetUtcNow();

    private static readonly ExternalUserPolicy Daily = ExternalUserPolicy.Default with { ReverifyEvery = TimeSpan.FromDays(1) };

    private SignInFacts SignedIn(UserType type = UserType.External, VerificationStatus? verification = null) => new()
    {
        Now = Now,
        IsAuthenticated = true,
        AuthTime = Now,
        UserType = type,
        Policy = Daily,
        Verification = verification ?? new VerificationStatus.Due(DueReason.Never),
        HasRole = true,
        VerificationStoreAvailable = true,
    };

    private VerificationStatus CountingSince(DateTimeOffset at, VerificationMethod method = VerificationMethod.EmailOtp) =>
        ReverificationSchedule.Evaluate(Daily, new VerificationRecord(at, method), Now);

    private static void AssertMethods(SignInDecision decision, params VerificationMethod[] expected) =>
        Assert.Equal(expected, Assert.IsType<SignInDecision.RequireVerification>(decision).Methods);

    // Signing in

    [Fact]
    public void Visitor_without_a_session_must_sign_in()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with { IsAuthenticated = false, AuthTime = null });

        Assert.Contains("no signed-in session", Assert.IsType<SignInDecision.RequireSignIn>(decision).Reason);
    }

    [Fact]
    public void Visitor_without_a_session_gets_login_required_with_prompt_none()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with { IsAuthenticated = false, PromptNone = true });

        Assert.Equal(OAuthErrors.LoginRequired, Assert.IsType<SignInDecision.Deny>(decision).Error);
    }

    [Fact]
    public void Session_without_auth_time_fails_closed_to_a_sign_in()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(UserType.Internal) with { AuthTime = null });

        Assert.IsType<SignInDecision.RequireSignIn>(decision);
    }

    [Fact]
    public void Prompt_login_asks_a_signed_in_user_to_sign_in_again()
    {
        _time.Advance(TimeSpan.FromMinutes(10));
        var facts = SignedIn(UserType.Internal) with { AuthTime = Start, PromptLogin = true, InteractionStartedAt = Now };

        Assert.Contains("prompt=login", Assert.IsType<SignInDecision.RequireSignIn>(SignInRequirements.Evaluate(facts)).Reason);
    }

    [Fact]
    public void Prompt_login_is_satisfied_by_a_sign_in_during_this_interaction()
    {
        var interactionStartedAt = Now;
        _time.Advance(TimeSpan.FromSeconds(30));
        var facts = SignedIn(UserType.Internal) with { AuthTime = Now, PromptLogin = true, InteractionStartedAt = interactionStartedAt };

        Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts));
    }

    [Fact]
    public void Prompt_none_combined_with_prompt_login_is_an_invalid_request()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(UserType.Internal) with { PromptLogin = true, PromptNone = true });

        Assert.Equal(OAuthErrors.InvalidRequest, Assert.IsType<SignInDecision.Deny>(decision).Error);
    }

    [Fact]
    public void Sign_in_older_than_max_age_must_be_repeated()
    {
        _time.Advance(TimeSpan.FromMinutes(11));
        var facts = SignedIn(UserType.Internal) with { AuthTime = Start, MaxAge = TimeSpan.FromMinutes(10) };

        Assert.Contains("max_age 600s", Assert.IsType<SignInDecision.RequireSignIn>(SignInRequirements.Evaluate(facts)).Reason);
    }

    [Fact]
    public void Sign_in_exactly_max_age_old_still_counts()
    {
        _time.Advance(TimeSpan.FromMinutes(10));
        var facts = SignedIn(UserType.Internal) with { AuthTime = Start, MaxAge = TimeSpan.FromMinutes(10) };

        Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts));
    }

    [Fact]
    public void Max_age_zero_is_met_by_a_sign_in_made_this_instant()
    {
        Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(SignedIn(UserType.Internal) with { MaxAge = TimeSpan.Zero }));
    }

    [Fact]
    public void Sign_in_older_than_max_age_gets_login_required_with_prompt_none()
    {
        _time.Advance(TimeSpan.FromHours(1));
        var facts = SignedIn(UserType.Internal) with { AuthTime = Start, MaxAge = TimeSpan.FromMinutes(10), PromptNone = true };

        Assert.Equal(OAuthErrors.LoginRequired, Assert.IsType<SignInDecision.Deny>(SignInRequirements.Evaluate(facts)).Error);
    }

    // The org policy

    [Fact]
    public void Internal_user_with_a_session_proceeds_at_basic()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(UserType.Internal, new VerificationStatus.NotRequired()));

        Assert.Equal(AcrLevel.Basic, Assert.IsType<SignInDecision.Proceed>(decision).Acr);
    }

    [Fact]
    public void External_user_with_an_sso_session_must_verify_before_a_code_is_issued()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with { HasAuthenticator = true });

        AssertMethods(decision, VerificationMethod.EmailOtp, VerificationMethod.Totp);
        Assert.Contains("never verified", ((SignInDecision.RequireVerification)decision).Reason);
    }

    [Fact]
    public void External_user_without_an_authenticator_is_offered_only_the_emailed_passcode()
    {
        AssertMethods(SignInRequirements.Evaluate(SignedIn()), VerificationMethod.EmailOtp);
    }

    [Fact]
    public void External_user_whose_verification_expired_is_told_why()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: new VerificationStatus.Due(DueReason.Expired)));

        Assert.Contains("expired", Assert.IsType<SignInDecision.RequireVerification>(decision).Reason);
    }

    [Fact]
    public void External_user_with_a_counting_verification_proceeds_at_its_level()
    {
        var verification = CountingSince(Now.AddHours(-2));

        var decision = Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(SignedIn(verification: verification)));

        Assert.Equal(AcrLevel.Otp, decision.Acr);
        Assert.Same(verification, decision.Verification);
    }

    [Fact]
    public void External_user_gets_interaction_required_with_prompt_none()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with { PromptNone = true });

        Assert.Equal(OAuthErrors.InteractionRequired, Assert.IsType<SignInDecision.Deny>(decision).Error);
    }

    [Fact]
    public void Guest_is_held_to_the_policy_even_when_classified_internal()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(UserType.Internal) with { IsGuest = true, SignedInWithEmailedPasscode = true });

        Assert.IsType<SignInDecision.RequireVerification>(decision);
    }

    [Theory]
    [InlineData(AppEnforcement.Enforced)]
    [InlineData(AppEnforcement.Exempt)]
    public void Guest_signed_in_with_a_password_is_sent_to_the_guest_sign_in_even_when_verified(AppEnforcement app)
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: CountingSince(Now)) with { IsGuest = true, App = app });

        Assert.IsType<SignInDecision.RequireGuestSignIn>(decision);
    }

    [Fact]
    public void Guest_signed_in_with_a_password_gets_login_required_with_prompt_none()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: CountingSince(Now)) with { IsGuest = true, PromptNone = true });

        Assert.Equal(OAuthErrors.LoginRequired, Assert.IsType<SignInDecision.Deny>(decision).Error);
    }

    [Fact]
    public void Guest_signed_in_with_an_emailed_passcode_and_verified_proceeds()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: CountingSince(Now)) with { IsGuest = true, SignedInWithEmailedPasscode = true });

        Assert.IsType<SignInDecision.Proceed>(decision);
    }

    [Fact]
    public void External_user_on_an_exempt_app_needs_no_verification()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with { App = AppEnforcement.Exempt });

        Assert.Equal(AcrLevel.Basic, Assert.IsType<SignInDecision.Proceed>(decision).Acr);
    }

    [Fact]
    public void External_user_needs_no_verification_when_the_policy_is_off()
    {
        var facts = SignedIn(verification: new VerificationStatus.NotRequired()) with
        {
            Policy = Daily with { Verification = VerificationRequirement.Off },
        };

        Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts));
    }

    [Fact]
    public void Policy_that_requires_verification_fails_closed_when_the_status_says_not_required()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: new VerificationStatus.NotRequired()));

        Assert.IsType<SignInDecision.RequireVerification>(decision);
    }

    [Fact]
    public void Two_step_policy_asks_an_enrolled_external_user_for_the_authenticator_only()
    {
        var facts = SignedIn() with { Policy = Daily with { RequireTwoStepVerification = true }, HasAuthenticator = true };

        AssertMethods(SignInRequirements.Evaluate(facts), VerificationMethod.Totp);
    }

    [Fact]
    public void Two_step_policy_sends_an_external_user_without_authenticator_to_enrolment()
    {
        var facts = SignedIn() with { Policy = Daily with { RequireTwoStepVerification = true } };

        Assert.IsType<SignInDecision.RequireEnrolment>(SignInRequirements.Evaluate(facts));
    }

    [Fact]
    public void Two_step_policy_answers_interaction_required_for_enrolment_with_prompt_none()
    {
        var facts = SignedIn() with { Policy = Daily with { RequireTwoStepVerification = true }, PromptNone = true };

        Assert.Equal(OAuthErrors.InteractionRequired, Assert.IsType<SignInDecision.Deny>(SignInRequirements.Evaluate(facts)).Error);
    }

    // acr_values

    [Fact]
    public void Internal_user_asked_for_otp_must_verify_with_either_method()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            RequestedAcrValues = [AcrValues.Otp],
            HasAuthenticator = true,
        };

        AssertMethods(SignInRequirements.Evaluate(facts), VerificationMethod.EmailOtp, VerificationMethod.Totp);
    }

    [Fact]
    public void Internal_user_asked_for_two_step_verification_must_use_the_authenticator()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            RequestedAcrValues = [AcrValues.TwoStep],
            HasAuthenticator = true,
        };

        AssertMethods(SignInRequirements.Evaluate(facts), VerificationMethod.Totp);
    }

    [Fact]
    public void Internal_user_asked_for_two_step_verification_without_authenticator_must_enrol()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with { RequestedAcrValues = [AcrValues.TwoStep] };

        Assert.IsType<SignInDecision.RequireEnrolment>(SignInRequirements.Evaluate(facts));
    }

    [Fact]
    public void Session_step_up_meets_a_requested_acr()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            SessionAcr = AcrLevel.TwoStep,
            RequestedAcrValues = [AcrValues.TwoStep],
        };

        Assert.Equal(AcrLevel.TwoStep, Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts)).Acr);
    }

    [Fact]
    public void The_weakest_recognised_acr_is_the_one_that_must_be_met()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            SessionAcr = AcrLevel.Otp,
            RequestedAcrValues = [AcrValues.TwoStep, AcrValues.Otp],
        };

        Assert.Equal(AcrLevel.Otp, Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts)).Acr);
    }

    [Fact]
    public void Unknown_acr_values_are_ignored()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            RequestedAcrValues = ["urn:example:gold", "phr"],
        };

        Assert.Equal(AcrLevel.Basic, Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts)).Acr);
    }

    [Fact]
    public void Unknown_acr_values_do_not_lower_a_recognised_one()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            RequestedAcrValues = ["urn:example:bronze", AcrValues.Otp],
        };

        Assert.IsType<SignInDecision.RequireVerification>(SignInRequirements.Evaluate(facts));
    }

    [Fact]
    public void External_user_with_an_emailed_passcode_must_step_up_for_two_step_verification()
    {
        var facts = SignedIn(verification: CountingSince(Now.AddMinutes(-5))) with
        {
            RequestedAcrValues = [AcrValues.TwoStep],
            HasAuthenticator = true,
        };

        var decision = SignInRequirements.Evaluate(facts);

        AssertMethods(decision, VerificationMethod.Totp);
        Assert.Contains(AcrValues.TwoStep, ((SignInDecision.RequireVerification)decision).Reason);
    }

    [Fact]
    public void External_user_with_a_counting_totp_verification_meets_two_step_verification()
    {
        var facts = SignedIn(verification: CountingSince(Now.AddMinutes(-5), VerificationMethod.Totp)) with
        {
            RequestedAcrValues = [AcrValues.TwoStep],
        };

        Assert.Equal(AcrLevel.TwoStep, Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts)).Acr);
    }

    [Fact]
    public void External_users_session_step_up_does_not_replace_the_policy_verification()
    {
        var facts = SignedIn(verification: CountingSince(Now.AddMinutes(-5))) with
        {
            SessionAcr = AcrLevel.TwoStep,
            RequestedAcrValues = [AcrValues.TwoStep],
            HasAuthenticator = true,
        };

        AssertMethods(SignInRequirements.Evaluate(facts), VerificationMethod.Totp);
    }

    [Fact]
    public void External_user_is_offered_only_the_methods_the_policy_counts_for_a_requested_acr()
    {
        var facts = SignedIn(verification: new VerificationStatus.Due(DueReason.Never)) with
        {
            Policy = Daily with { Methods = [VerificationMethod.Totp] },
            RequestedAcrValues = [AcrValues.Otp],
            HasAuthenticator = true,
        };

        AssertMethods(SignInRequirements.Evaluate(facts), VerificationMethod.Totp);
    }

    [Fact]
    public void Requested_acr_that_the_policy_cannot_reach_is_unmet()
    {
        var facts = SignedIn(verification: CountingSince(Now.AddMinutes(-5))) with
        {
            Policy = Daily with { Methods = [VerificationMethod.EmailOtp] },
            RequestedAcrValues = [AcrValues.TwoStep],
        };

        Assert.Equal(
            OAuthErrors.UnmetAuthenticationRequirements,
            Assert.IsType<SignInDecision.Deny>(SignInRequirements.Evaluate(facts)).Error);
    }

    [Fact]
    public void Verification_older_than_max_age_does_not_meet_a_requested_acr()
    {
        var facts = SignedIn(verification: CountingSince(Now.AddHours(-2))) with
        {
            RequestedAcrValues = [AcrValues.Otp],
            MaxAge = TimeSpan.FromHours(1),
        };

        var decision = SignInRequirements.Evaluate(facts);

        Assert.Contains("max_age 3600s", Assert.IsType<SignInDecision.RequireVerification>(decision).Reason);
    }

    [Fact]
    public void Verification_within_max_age_meets_a_requested_acr()
    {
        var facts = SignedIn(verification: CountingSince(Now.AddMinutes(-30))) with
        {
            RequestedAcrValues = [AcrValues.Otp],
            MaxAge = TimeSpan.FromHours(1),
        };

        Assert.Equal(AcrLevel.Otp, Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts)).Acr);
    }

    [Fact]
    public void Internal_session_step_up_older_than_max_age_does_not_meet_a_requested_acr()
    {
        _time.Advance(TimeSpan.FromMinutes(20));
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            AuthTime = Now.AddMinutes(-5),
            SessionAcr = AcrLevel.Otp,
            SessionAcrAchievedAt = Start,
            RequestedAcrValues = [AcrValues.Otp],
            MaxAge = TimeSpan.FromMinutes(10),
        };

        Assert.IsType<SignInDecision.RequireVerification>(SignInRequirements.Evaluate(facts));
    }

    [Fact]
    public void Requested_acr_answers_interaction_required_with_prompt_none()
    {
        var facts = SignedIn(UserType.Internal, new VerificationStatus.NotRequired()) with
        {
            RequestedAcrValues = [AcrValues.Otp],
            PromptNone = true,
        };

        Assert.Equal(OAuthErrors.InteractionRequired, Assert.IsType<SignInDecision.Deny>(SignInRequirements.Evaluate(facts)).Error);
    }

    [Fact]
    public void Without_acr_values_the_level_reached_is_reported_not_just_basic()
    {
        var facts = SignedIn(verification: CountingSince(Now.AddHours(-1), VerificationMethod.Totp));

        Assert.Equal(AcrLevel.TwoStep, Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(facts)).Acr);
    }

    [Fact]
    public void Default_facts_fail_closed()
    {
        var facts = new SignInFacts { Now = Now, Policy = Daily, Verification = new VerificationStatus.Due(DueReason.Never) };

        Assert.IsType<SignInDecision.RequireSignIn>(SignInRequirements.Evaluate(facts));
        var signedIn = facts with { IsAuthenticated = true, AuthTime = Now };
        Assert.IsType<SignInDecision.Unavailable>(SignInRequirements.Evaluate(signedIn)); // no store known to hold a verification
        Assert.IsType<SignInDecision.NotAssigned>(SignInRequirements.Evaluate(signedIn with { VerificationStoreAvailable = true })); // no role known
        Assert.IsType<SignInDecision.RequireVerification>(SignInRequirements.Evaluate(signedIn with { VerificationStoreAvailable = true, HasRole = true }));
    }

    // The rules the authorize endpoint used to hold

    [Fact]
    public void Account_without_a_role_on_the_app_is_not_assigned_even_when_verified()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: CountingSince(Now)) with { HasRole = false });

        Assert.IsType<SignInDecision.NotAssigned>(decision);
    }

    [Fact]
    public void Refused_guest_is_refused_before_any_verification_is_asked()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with { IsGuest = true, GuestRefusal = GuestDeniedReason.Expired });

        Assert.Equal(GuestDeniedReason.Expired, Assert.IsType<SignInDecision.RefuseGuest>(decision).Reason);
    }

    [Fact]
    public void External_user_is_told_verification_is_unavailable_when_the_store_is_unreachable()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: CountingSince(Now)) with { VerificationStoreAvailable = false });

        Assert.IsType<SignInDecision.Unavailable>(decision);
    }

    [Fact]
    public void Silent_request_gets_temporarily_unavailable_when_the_store_is_unreachable()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with { VerificationStoreAvailable = false, PromptNone = true });

        Assert.Equal(OAuthErrors.TemporarilyUnavailable, Assert.IsType<SignInDecision.Deny>(decision).Error);
    }

    [Fact]
    public void Internal_user_needing_no_verification_proceeds_while_the_store_is_unreachable()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(UserType.Internal) with { VerificationStoreAvailable = false });

        Assert.Equal(AcrLevel.Basic, Assert.IsType<SignInDecision.Proceed>(decision).Acr);
    }

    [Fact]
    public void Internal_user_asking_for_a_step_up_while_the_store_is_unreachable_is_told_it_is_unavailable()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(UserType.Internal) with
        {
            VerificationStoreAvailable = false,
            RequestedAcrValues = [AcrValues.Otp],
        });

        Assert.IsType<SignInDecision.Unavailable>(decision);
    }

    [Fact]
    public void Silent_request_with_an_uncheckable_session_is_not_told_login_required()
    {
        var decision = SignInRequirements.Evaluate(SignedIn() with
        {
            IsAuthenticated = false,
            AuthTime = null,
            SessionUncheckable = true,
            PromptNone = true,
        });

        Assert.Equal(OAuthErrors.TemporarilyUnavailable, Assert.IsType<SignInDecision.Deny>(decision).Error);
    }

    [Fact]
    public void Declined_enrolment_answers_unmet_authentication_requirements_instead_of_asking_again()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(UserType.Internal) with
        {
            RequestedAcrValues = [AcrValues.TwoStep],
            EnrolmentDeclined = true,
        });

        Assert.Equal(OAuthErrors.UnmetAuthenticationRequirements, Assert.IsType<SignInDecision.Deny>(decision).Error);
    }

    [Fact]
    public void Session_whose_access_an_admin_ended_must_sign_in_again()
    {
        var decision = SignInRequirements.Evaluate(SignedIn(verification: CountingSince(Now)) with { AccessEnded = true });

        Assert.Contains("ended", Assert.IsType<SignInDecision.RequireSignIn>(decision).Reason);
    }

    [Fact]
    public void Max_age_0_is_met_by_a_sign_in_earlier_in_the_same_second_or_during_this_interaction()
    {
        var signedInAt = Now.AddMilliseconds(100);
        _time.Advance(TimeSpan.FromMilliseconds(800)); // the redirect back arrives in the same second
        var sameSecond = SignedIn(UserType.Internal) with { AuthTime = signedInAt, MaxAge = TimeSpan.Zero };
        Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(sameSecond with { Now = Now }));

        _time.Advance(TimeSpan.FromSeconds(3)); // a slow sign-in page, but made during this interaction
        var later = sameSecond with { Now = Now, InteractionStartedAt = signedInAt.AddSeconds(-20) };
        Assert.IsType<SignInDecision.Proceed>(SignInRequirements.Evaluate(later));
        Assert.IsType<SignInDecision.RequireSignIn>(SignInRequirements.Evaluate(later with { InteractionStartedAt = signedInAt.AddSeconds(1) }));
    }
}
