namespace StepUpIdp.RelyingParty.Tests;

public sealed class BearerChallengeHeaderTests
{
    [Fact]
    public void Acr_challenge_has_rfc_9470_form() =>
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"A stronger authentication level is required.\", acr_values=\"urn:stepupidp:acr:otp\"",
            BearerChallengeHeader.Format(new StepUpChallenge(StepUpAcr.Otp, null, "A stronger authentication level is required.")));

    [Fact]
    public void Max_age_challenge_carries_whole_seconds() =>
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"More recent authentication is required.\", max_age=\"300\"",
            BearerChallengeHeader.Format(new StepUpChallenge(null, TimeSpan.FromMinutes(5), "More recent authentication is required.")));

    [Fact]
    public void Both_parameters_come_in_one_challenge() =>
        Assert.EndsWith(
            ", acr_values=\"urn:stepupidp:acr:2sv\", max_age=\"0\"",
            BearerChallengeHeader.Format(new StepUpChallenge(StepUpAcr.TwoStep, TimeSpan.Zero, "x")));

    [Fact]
    public void Acr_values_are_a_quoted_string_with_quote_and_backslash_escaped() =>
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"x\", acr_values=\"urn:x:\\\"gold\\\" a\\\\b\"",
            BearerChallengeHeader.Format(new StepUpChallenge("urn:x:\"gold\" a\\b\r\n", null, "x")));

    [Fact]
    public void Description_cannot_break_out_of_its_quotes_or_the_header() =>
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"bad, error=x injected\"",
            BearerChallengeHeader.Format(new StepUpChallenge(null, null, "bad\", error=\"x\r\n injected\\")));
}
