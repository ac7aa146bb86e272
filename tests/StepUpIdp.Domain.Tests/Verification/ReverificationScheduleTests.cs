using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Tests.Verification;

public class ReverificationScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    private static ExternalUserPolicy Weekly { get; } = ExternalUserPolicy.Default with { ReverifyEvery = TimeSpan.FromDays(7) };

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Nothing_is_required_when_the_policy_is_off()
    {
        var policy = Weekly with { Verification = VerificationRequirement.Off };

        Assert.IsType<VerificationStatus.NotRequired>(ReverificationSchedule.Evaluate(policy, null, Now));
    }

    [Fact]
    public void External_user_who_never_verified_is_due()
    {
        var status = ReverificationSchedule.Evaluate(Weekly, null, Now);

        Assert.Equal(new VerificationStatus.Due(DueReason.Never), status);
    }

    [Fact]
    public void Verification_counts_until_the_interval_has_passed_and_not_a_tick_longer()
    {
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);

        _time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromTicks(1));
        var counting = Assert.IsType<VerificationStatus.Counting>(ReverificationSchedule.Evaluate(Weekly, record, Now));
        Assert.Equal(Start, counting.VerifiedAt);
        Assert.Equal(Start.AddDays(7), counting.ReverifyAt);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new VerificationStatus.Due(DueReason.Expired), ReverificationSchedule.Evaluate(Weekly, record, Now));
    }

    [Fact]
    public void External_user_must_verify_again_after_interval_is_shortened()
    {
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);
        _time.Advance(TimeSpan.FromDays(2));
        Assert.IsType<VerificationStatus.Counting>(ReverificationSchedule.Evaluate(Weekly, record, Now));

        var daily = Weekly with { ReverifyEvery = TimeSpan.FromDays(1) };

        Assert.Equal(new VerificationStatus.Due(DueReason.Expired), ReverificationSchedule.Evaluate(daily, record, Now));
    }

    [Fact]
    public void Shortened_interval_moves_reverify_at_earlier_for_verifications_that_still_count()
    {
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);
        _time.Advance(TimeSpan.FromMinutes(30));

        var hourly = Weekly with { ReverifyEvery = TimeSpan.FromHours(1) };
        var counting = Assert.IsType<VerificationStatus.Counting>(ReverificationSchedule.Evaluate(hourly, record, Now));

        Assert.Equal(Start.AddHours(1), counting.ReverifyAt);
    }

    [Fact]
    public void Lengthened_interval_does_not_revive_a_verification_beyond_the_new_window()
    {
        var daily = Weekly with { ReverifyEvery = TimeSpan.FromDays(1) };
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);
        _time.Advance(TimeSpan.FromDays(10));
        Assert.IsType<VerificationStatus.Due>(ReverificationSchedule.Evaluate(daily, record, Now));

        Assert.Equal(new VerificationStatus.Due(DueReason.Expired), ReverificationSchedule.Evaluate(Weekly, record, Now));
    }

    [Fact]
    public void Lengthened_interval_extends_a_verification_only_up_to_the_new_window()
    {
        var daily = Weekly with { ReverifyEvery = TimeSpan.FromDays(1) };
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);
        _time.Advance(TimeSpan.FromDays(3));
        Assert.IsType<VerificationStatus.Due>(ReverificationSchedule.Evaluate(daily, record, Now));

        var counting = Assert.IsType<VerificationStatus.Counting>(ReverificationSchedule.Evaluate(Weekly, record, Now));

        Assert.Equal(Start.AddDays(7), counting.ReverifyAt);
    }

    [Fact]
    public void Verification_by_a_method_the_policy_no_longer_lists_does_not_count()
    {
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);
        var totpOnly = Weekly with { Methods = [VerificationMethod.Totp] };

        Assert.Equal(new VerificationStatus.Due(DueReason.MethodNotAccepted), ReverificationSchedule.Evaluate(totpOnly, record, Now));
    }

    [Fact]
    public void Emailed_passcode_stops_counting_when_two_step_verification_becomes_required()
    {
        var twoStep = Weekly with { RequireTwoStepVerification = true };

        Assert.Equal(
            new VerificationStatus.Due(DueReason.MethodNotAccepted),
            ReverificationSchedule.Evaluate(twoStep, new VerificationRecord(Now, VerificationMethod.EmailOtp), Now));
        Assert.IsType<VerificationStatus.Counting>(
            ReverificationSchedule.Evaluate(twoStep, new VerificationRecord(Now, VerificationMethod.Totp), Now));
    }

    [Theory]
    [InlineData(VerificationMethod.EmailOtp, AcrLevel.Otp)]
    [InlineData(VerificationMethod.Totp, AcrLevel.TwoStep)]
    public void Counting_verification_reaches_the_acr_of_its_method(VerificationMethod method, AcrLevel expected)
    {
        var counting = Assert.IsType<VerificationStatus.Counting>(
            ReverificationSchedule.Evaluate(Weekly, new VerificationRecord(Now, method), Now));

        Assert.Equal(expected, counting.Acr);
        Assert.Equal(method, counting.Method);
    }

    [Fact]
    public void Verify_at_every_sign_in_counts_a_verification_made_during_this_interaction_for_five_minutes()
    {
        var everySignIn = Weekly with { ReverifyEvery = TimeSpan.Zero };
        var interactionStartedAt = Now;
        _time.Advance(TimeSpan.FromSeconds(20));
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);

        var counting = Assert.IsType<VerificationStatus.Counting>(
            ReverificationSchedule.Evaluate(everySignIn, record, Now, interactionStartedAt));

        Assert.Equal(record.VerifiedAt.AddMinutes(5), counting.ReverifyAt);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(
            new VerificationStatus.Due(DueReason.Expired),
            ReverificationSchedule.Evaluate(everySignIn, record, Now, interactionStartedAt));
    }

    [Fact]
    public void Verify_at_every_sign_in_does_not_count_a_verification_from_an_earlier_sign_in()
    {
        var everySignIn = Weekly with { ReverifyEvery = TimeSpan.Zero };
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(
            new VerificationStatus.Due(DueReason.Expired),
            ReverificationSchedule.Evaluate(everySignIn, record, Now, interactionStartedAt: Now));
    }

    [Fact]
    public void Verify_at_every_sign_in_counts_nothing_outside_an_interaction()
    {
        var everySignIn = Weekly with { ReverifyEvery = TimeSpan.Zero };
        var record = new VerificationRecord(Now, VerificationMethod.EmailOtp);

        Assert.Equal(new VerificationStatus.Due(DueReason.Expired), ReverificationSchedule.Evaluate(everySignIn, record, Now));
    }

    [Theory]
    [InlineData(0, 300)]
    [InlineData(300, 300)]
    [InlineData(3600, 3600)]
    [InlineData(604800, 604800)]
    public void Records_are_kept_for_the_interval_and_at_least_five_minutes(int intervalSeconds, int expectedSeconds)
    {
        var policy = Weekly with { ReverifyEvery = TimeSpan.FromSeconds(intervalSeconds) };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ReverificationSchedule.Retention(policy));
    }

    [Fact]
    public void Token_lifetime_is_cut_so_it_expires_no_later_than_reverify_at()
    {
        var reverifyAt = Now.AddMinutes(10);

        Assert.Equal(TimeSpan.FromMinutes(10), ReverificationSchedule.CapTokenLifetime(Now, TimeSpan.FromHours(1), reverifyAt));
        Assert.Equal(TimeSpan.FromMinutes(5), ReverificationSchedule.CapTokenLifetime(Now, TimeSpan.FromMinutes(5), reverifyAt));
    }

    [Theory]
    [InlineData(AcrLevel.TwoStep, VerificationMethod.EmailOtp, AcrLevel.Otp)]
    [InlineData(AcrLevel.Otp, VerificationMethod.Totp, AcrLevel.Otp)]
    [InlineData(AcrLevel.TwoStep, VerificationMethod.Totp, AcrLevel.TwoStep)]
    [InlineData(AcrLevel.Basic, VerificationMethod.Totp, AcrLevel.Basic)]
    public void A_refresh_keeps_the_granted_acr_at_most_and_never_more_than_what_counts_now(AcrLevel granted, VerificationMethod counting, AcrLevel expected)
    {
        var status = Assert.IsType<VerificationStatus.Counting>(ReverificationSchedule.Evaluate(Weekly, new VerificationRecord(Now, counting), Now));

        Assert.Equal(expected, ReverificationSchedule.AcrAtRefresh(granted, status));
    }

    [Fact]
    public void Token_lifetime_is_untouched_without_reverify_at()
    {
        Assert.Equal(TimeSpan.FromHours(1), ReverificationSchedule.CapTokenLifetime(Now, TimeSpan.FromHours(1), null));
    }

    [Fact]
    public void Token_lifetime_is_zero_once_reverify_at_has_passed()
    {
        Assert.Equal(TimeSpan.Zero, ReverificationSchedule.CapTokenLifetime(Now, TimeSpan.FromHours(1), Now.AddSeconds(-1)));
    }
}
