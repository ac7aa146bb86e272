using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.Policy;

public class ReverifyPresetsTests
{
    [Fact]
    public void Presets_are_one_hour_one_day_seven_thirty_and_ninety_days()
    {
        Assert.Equal(["PT1H", "P1D", "P7D", "P30D", "P90D"], ReverifyPresets.All.Select(p => p.IsoValue));
        Assert.Equal(["1 hour", "1 day", "7 days", "30 days", "90 days"], ReverifyPresets.All.Select(p => p.Label));
    }

    [Fact]
    public void Every_preset_is_a_valid_interval()
    {
        Assert.All(ReverifyPresets.All, preset =>
            Assert.IsType<ExternalUserPolicyValidation.Valid>(ExternalUserPolicyValidator.Validate(
                ExternalUserPolicyDocument.From(ExternalUserPolicy.Default) with { ReverifyEvery = preset.IsoValue })));
    }

    [Fact]
    public void A_custom_interval_matches_no_preset()
    {
        Assert.Null(ReverifyPresets.Find(TimeSpan.FromDays(3)));
        Assert.Equal("7 days", ReverifyPresets.Find(TimeSpan.FromDays(7))?.Label);
    }
}
