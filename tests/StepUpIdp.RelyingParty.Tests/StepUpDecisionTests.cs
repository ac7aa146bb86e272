using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using static StepUpIdp.RelyingParty.Tests.Principals;

namespace StepUpIdp.RelyingParty.Tests;

public sealed class StepUpDecisionTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private StepUpDecision Evaluate(ClaimsPrincipal principal, string? acr, TimeSpan? maxAge = null) =>
        StepUpDecision.Evaluate(principal, new StepUpRequirement(acr, maxAge), _time.GetUtcNow());

    [Fact]
    public void Otp_token_meets_an_otp_requirement() =>
        Assert.True(Evaluate(With(("acr", StepUpAcr.Otp)), StepUpAcr.Otp).IsSatisfied);

    [Fact]
    public void Basic_token_is_asked_for_otp()
    {
        var decision = Evaluate(With(("acr", StepUpAcr.Basic)), StepUpAcr.Otp);

        Assert.False(decision.IsSatisfied);
        Assert.Equal(StepUpAcr.Otp, decision.Challenge.AcrValues);
        Assert.Null(decision.Challenge.MaxAge);
    }

    [Fact]
    public void Token_without_acr_is_asked_for_the_required_acr() =>
        Assert.Equal(StepUpAcr.Basic, Evaluate(With(), StepUpAcr.Basic).Challenge?.AcrValues);

    [Fact]
    public void Acr_mapped_by_inbound_claim_mapping_still_counts() =>
        Assert.True(Evaluate(With(("http://schemas.microsoft.com/claims/authnclassreference", StepUpAcr.TwoStep)), StepUpAcr.Otp).IsSatisfied);

    [Fact]
    public void Authentication_exactly_max_age_ago_still_counts() =>
        Assert.True(Evaluate(With(("acr", StepUpAcr.Otp), ("auth_time", Unix(_time.GetUtcNow() - FiveMinutes))), StepUpAcr.Otp, FiveMinutes).IsSatisfied);

    [Fact]
    public void Authentication_older_than_max_age_is_asked_for_again_with_max_age()
    {
        var principal = With(("acr", StepUpAcr.Otp), ("auth_time", Unix(_time.GetUtcNow())));
        _time.Advance(FiveMinutes + TimeSpan.FromSeconds(1));

        var decision = Evaluate(principal, StepUpAcr.Otp, FiveMinutes);

        Assert.False(decision.IsSatisfied);
        Assert.Null(decision.Challenge.AcrValues);
        Assert.Equal(FiveMinutes, decision.Challenge.MaxAge);
    }

    [Fact]
    public void Missing_auth_time_never_counts_as_recent() =>
        Assert.Equal(FiveMinutes, Evaluate(With(("acr", StepUpAcr.TwoStep)), null, FiveMinutes).Challenge?.MaxAge);

    [Fact]
    public void Auth_time_far_in_the_future_never_counts_as_recent()
    {
        // No clock of the IdP's could have written it: as good as missing, so the check fails closed.
        var principal = With(("acr", StepUpAcr.Otp), ("auth_time", Unix(_time.GetUtcNow().AddHours(1))));

        Assert.Equal(FiveMinutes, Evaluate(principal, null, FiveMinutes).Challenge?.MaxAge);
    }

    [Fact]
    public void Auth_time_a_little_ahead_of_the_apps_clock_counts_as_just_now() =>
        Assert.True(Evaluate(With(("auth_time", Unix(_time.GetUtcNow() + StepUpDecision.ClockSkew))), null, FiveMinutes).IsSatisfied);

    [Fact]
    public void Weak_and_old_token_is_asked_for_both()
    {
        var principal = With(("acr", StepUpAcr.Basic), ("auth_time", Unix(_time.GetUtcNow().AddHours(-1))));

        var challenge = Evaluate(principal, StepUpAcr.TwoStep, FiveMinutes).Challenge;

        Assert.Equal(new StepUpChallenge(StepUpAcr.TwoStep, FiveMinutes, "A stronger authentication level is required. More recent authentication is required."), challenge);
    }

    [Fact]
    public void Token_from_api_token_exchange_never_meets_a_step_up_requirement()
    {
        // Even if it somehow carried a strong, fresh authentication.
        var principal = With(("acr", StepUpAcr.TwoStep), ("auth_time", Unix(_time.GetUtcNow())), ("api_token_id", "tok-1"));

        var decision = Evaluate(principal, StepUpAcr.Basic, FiveMinutes);

        Assert.False(decision.IsSatisfied);
        Assert.Equal(StepUpAcr.Basic, decision.Challenge.AcrValues);
        Assert.Contains("API token", decision.Challenge.Description);
    }

    [Fact]
    public void Anonymous_user_is_asked_for_everything_the_requirement_needs()
    {
        var decision = StepUpDecision.Evaluate(new ClaimsPrincipal(new ClaimsIdentity()), new StepUpRequirement(StepUpAcr.Otp, FiveMinutes), _time.GetUtcNow());

        Assert.Equal((StepUpAcr.Otp, FiveMinutes), (decision.Challenge?.AcrValues, decision.Challenge?.MaxAge));
    }

    [Fact]
    public void Internal_user_without_reverify_at_is_never_due() =>
        Assert.True(StepUpDecision.EvaluateReverification(With(("acr", StepUpAcr.Basic)), _time.GetUtcNow()).IsSatisfied);

    [Fact]
    public void External_user_is_due_from_the_second_reverify_at_is_a_clock_skew_behind()
    {
        // Due a clock skew late: an IdP whose clock is that much behind would still count the verification and send
        // the same reverify_at back, and the person would go round between app and IdP until its clock caught up.
        var principal = With(("acr", StepUpAcr.Otp), ("reverify_at", Unix(_time.GetUtcNow().AddDays(1))));

        _time.Advance(TimeSpan.FromDays(1) + StepUpDecision.ClockSkew - TimeSpan.FromSeconds(1));
        Assert.True(StepUpDecision.EvaluateReverification(principal, _time.GetUtcNow()).IsSatisfied);

        _time.Advance(TimeSpan.FromSeconds(1));
        var decision = StepUpDecision.EvaluateReverification(principal, _time.GetUtcNow());
        Assert.False(decision.IsSatisfied);
        Assert.Equal(StepUpAcr.Otp, decision.Challenge.AcrValues);
    }

    [Fact]
    public void Reverification_keeps_a_2sv_user_at_2sv() =>
        Assert.Equal(StepUpAcr.TwoStep, StepUpDecision.EvaluateReverification(
            With(("acr", StepUpAcr.TwoStep), ("reverify_at", Unix(_time.GetUtcNow() - StepUpDecision.ClockSkew))), _time.GetUtcNow()).Challenge?.AcrValues);

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("99999999999999999")]
    public void Malformed_reverify_at_is_due(string value) =>
        Assert.False(StepUpDecision.EvaluateReverification(With(("reverify_at", value)), _time.GetUtcNow()).IsSatisfied);

    [Fact]
    public void Combined_challenges_ask_for_the_stronger_acr_and_the_shorter_age()
    {
        var combined = new StepUpChallenge(StepUpAcr.TwoStep, TimeSpan.FromHours(1), "a")
            .Combine(new StepUpChallenge(StepUpAcr.Otp, FiveMinutes, "b"));

        Assert.Equal(new StepUpChallenge(StepUpAcr.TwoStep, FiveMinutes, "a b"), combined);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("urn:other:acr:gold", null)]
    [InlineData(null, -1.0)]
    [InlineData(null, 1.5)]
    [InlineData(null, 0.0)]
    [InlineData(StepUpAcr.Otp, 0.0)]
    public void Requirement_refuses_meaningless_settings(string? acr, double? maxAgeSeconds) =>
        Assert.Throws<ArgumentException>(() => new StepUpRequirement(acr, maxAgeSeconds is { } s ? TimeSpan.FromSeconds(s) : null));
}
