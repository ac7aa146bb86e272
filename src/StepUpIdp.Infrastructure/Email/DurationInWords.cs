using System.Globalization;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>"10 minutes", "1 hour and 30 minutes": how long something stays valid, for people.</summary>
internal static class DurationInWords
{
    public static string Format(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);

        // Never promise more time than there is: drop fractions below a second.
        var parts = new List<string>(4);
        Add(parts, duration.Days, "day");
        Add(parts, duration.Hours, "hour");
        Add(parts, duration.Minutes, "minute");
        Add(parts, duration.Seconds, "second");

        return parts.Count switch
        {
            0 => "less than a second",
            1 => parts[0],
            _ => string.Join(", ", parts[..^1]) + " and " + parts[^1],
        };
    }

    private static void Add(List<string> parts, int value, string unit)
    {
        if (value > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{value} {unit}{(value == 1 ? "" : "s")}"));
        }
    }
}
