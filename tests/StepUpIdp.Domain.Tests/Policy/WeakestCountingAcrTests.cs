using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Tests.Policy;

/// <summary>The <c>acr</c> a token must show at least for a verification its policy counts.</summary>
public sealed class WeakestCountingAcrTests
{
    [Fact]
    public void Emailed_passcodes_that_count_are_enough() =>
        Assert.Equal(AcrLevel.Otp, ReverificationSchedule.WeakestCountingAcr(ExternalUserPolicy.Default));

    [Fact]
    public void Required_two_step_verification_asks_for_the_authenticator_level() =>
        Assert.Equal(AcrLevel.TwoStep, ReverificationSchedule.WeakestCountingAcr(ExternalUserPolicy.Default with { RequireTwoStepVerification = true }));

    [Fact]
    public void An_authenticator_only_policy_asks_for_the_authenticator_level() =>
        Assert.Equal(AcrLevel.TwoStep, ReverificationSchedule.WeakestCountingAcr(ExternalUserPolicy.Default with { Methods = [VerificationMethod.Totp] }));

    [Fact]
    public void A_policy_without_a_counting_method_fails_closed() =>
        Assert.Equal(AcrLevel.TwoStep, ReverificationSchedule.WeakestCountingAcr(
            ExternalUserPolicy.Default with { Methods = [VerificationMethod.EmailOtp], RequireTwoStepVerification = true }));
}
