namespace StepUpIdp.Domain.Policy;

/// <summary>One interval the admin page offers as a choice next to the custom value.</summary>
public sealed record ReverifyPreset(string Label, TimeSpan Interval)
{
    /// <summary>The value as written in the policy document, e.g. <c>P7D</c>.</summary>
    public string IsoValue => IsoDuration.Format(Interval);
}

/// <summary>The re-verification presets the admin UI offers, shortest first.</summary>
public static class ReverifyPresets
{
    public static IReadOnlyList<ReverifyPreset> All { get; } =
    [
        new("1 hour", TimeSpan.FromHours(1)),
        new("1 day", TimeSpan.FromDays(1)),
        new("7 days", TimeSpan.FromDays(7)),
        new("30 days", TimeSpan.FromDays(30)),
        new("90 days", TimeSpan.FromDays(90)),
    ];

    /// <summary>The preset with this interval, or null when the admin chose a custom value.</summary>
    public static ReverifyPreset? Find(TimeSpan interval) => All.FirstOrDefault(p => p.Interval == interval);
}
