using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.Policy;

public class IsoDurationTests
{
    public static TheoryData<string, TimeSpan> Accepted => new()
    {
        { "PT0S", TimeSpan.Zero },
        { "PT5M", TimeSpan.FromMinutes(5) },
        { "PT1H", TimeSpan.FromHours(1) },
        { "PT90S", TimeSpan.FromSeconds(90) },
        { "PT1.5S", TimeSpan.FromMilliseconds(1500) },
        { "P1D", TimeSpan.FromDays(1) },
        { "P7D", TimeSpan.FromDays(7) },
        { "P2W", TimeSpan.FromDays(14) },
        { "P1W2D", TimeSpan.FromDays(9) },
        { "P1DT12H", TimeSpan.FromHours(36) },
        { "PT1H30M15S", new TimeSpan(1, 30, 15) },
        { " P365D ", TimeSpan.FromDays(365) },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Weeks_days_hours_minutes_and_seconds_are_accepted(string text, TimeSpan expected)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration, out var error), error);
        Assert.Equal(expected, duration);
    }

    [Theory]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("P1Y2M3D")]
    public void Years_and_months_are_refused_with_a_suggestion_to_use_days(string text)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var error));
        Assert.Contains("days", error);
        Assert.Contains("P30D", error);
    }

    [Theory]
    [InlineData("-P1D")]
    [InlineData("-PT5M")]
    public void Negative_durations_are_refused(string text)
    {
        Assert.False(IsoDuration.TryParse(text, out _, out var error));
        Assert.Contains("negative", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("7D")]
    [InlineData("p7d")]
    [InlineData("P7")]
    [InlineData("PD")]
    [InlineData("P1D1D")]
    [InlineData("PT1M1H")]
    [InlineData("P1H")]
    [InlineData("PT1D")]
    [InlineData("P1.5D")]
    [InlineData("PT1.5H")]
    [InlineData("PT1..5S")]
    [InlineData("PT.5S")]
    [InlineData("P1DTT1H")]
    [InlineData("1 week")]
    [InlineData("P99999999999999999999D")]
    [InlineData("P999999999999999D")]
    public void Malformed_or_impossible_values_are_refused_with_an_example(string? text)
    {
        Assert.False(IsoDuration.TryParse(text, out var duration, out var error));
        Assert.Equal(TimeSpan.Zero, duration);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData(0, "PT0S")]
    [InlineData(5 * 60, "PT5M")]
    [InlineData(60 * 60, "PT1H")]
    [InlineData(24 * 60 * 60, "P1D")]
    [InlineData(7 * 24 * 60 * 60, "P7D")]
    [InlineData(36 * 60 * 60, "P1DT12H")]
    [InlineData(90 * 60 + 15, "PT1H30M15S")]
    public void Durations_are_written_in_days_hours_minutes_and_seconds(int seconds, string expected)
    {
        Assert.Equal(expected, IsoDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData("P2W")]
    [InlineData("P1DT12H")]
    [InlineData("PT1.25S")]
    [InlineData("P365DT23H59M59S")]
    public void Formatted_values_read_back_to_the_same_duration(string text)
    {
        Assert.True(IsoDuration.TryParse(text, out var duration, out _));
        Assert.True(IsoDuration.TryParse(IsoDuration.Format(duration), out var again, out _));
        Assert.Equal(duration, again);
    }

    [Fact]
    public void Formatting_a_negative_duration_is_a_bug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IsoDuration.Format(TimeSpan.FromSeconds(-1)));
    }
}
