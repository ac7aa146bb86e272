namespace StepUpIdp.RelyingParty.Tests;

public sealed class StepUpAcrTests
{
    [Theory]
    [InlineData(StepUpAcr.Basic, StepUpAcr.Basic, true)]
    [InlineData(StepUpAcr.Otp, StepUpAcr.Basic, true)]
    [InlineData(StepUpAcr.TwoStep, StepUpAcr.Otp, true)]
    [InlineData(StepUpAcr.TwoStep, StepUpAcr.TwoStep, true)]
    [InlineData(StepUpAcr.Basic, StepUpAcr.Otp, false)]
    [InlineData(StepUpAcr.Otp, StepUpAcr.TwoStep, false)]
    public void Levels_are_ordered_basic_otp_2sv(string actual, string required, bool satisfied) =>
        Assert.Equal(satisfied, StepUpAcr.Satisfies(actual, required));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("urn:stepupidp:acr:OTP")]
    [InlineData("urn:other:acr:gold")]
    public void Unknown_or_missing_acr_meets_nothing(string? actual) =>
        Assert.False(StepUpAcr.Satisfies(actual, StepUpAcr.Basic));

    [Fact]
    public void Requiring_an_unknown_acr_is_a_configuration_error() =>
        Assert.Throws<ArgumentException>(() => StepUpAcr.Satisfies(StepUpAcr.TwoStep, "urn:other:acr:gold"));

    [Fact]
    public void All_lists_the_values_weakest_first() =>
        Assert.Equal(["urn:stepupidp:acr:basic", "urn:stepupidp:acr:otp", "urn:stepupidp:acr:2sv"], StepUpAcr.All);
}
