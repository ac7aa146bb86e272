using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace StepUpIdp.Domain.Policy;

/// <summary>
/// ISO 8601 durations as admins write them for <c>reverifyEvery</c>:
/// weeks, days, hours, minutes and seconds, e.g. <c>P7D</c>, <c>PT1H</c>, <c>P1DT12H</c>, <c>P2W</c>.
/// </summary>
/// <remarks>
/// Years and months are refused because they have no fixed length (ISO 8601-1 section 5.5.2.4 leaves
/// their length to the calendar), and a security interval must mean the same on every node and date.
/// Designators must be upper-case and in order (W, D, then T, H, M, S); only seconds may have a
/// decimal fraction. Negative durations (ISO 8601-2 "-P1D") are refused.
/// </remarks>
public static class IsoDuration
{
    private const string Example = "Use an ISO 8601 duration such as PT1H (1 hour), P1D (1 day) or P7D (7 days).";

    public static bool TryParse(string? text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "Enter a duration. " + Example;
            return false;
        }

        if (text[0] == '-')
        {
            error = "The duration cannot be negative. " + Example;
            return false;
        }

        if (text[0] != 'P')
        {
            error = "This is not a duration we understand. " + Example;
            return false;
        }

        var inTimePart = false;
        var sawComponent = false;
        var sawComponentAfterT = false;
        var lastOrder = -1;
        long ticks = 0;
        var i = 1;
        while (i < text.Length)
        {
            if (text[i] == 'T')
            {
                if (inTimePart)
                {
                    error = "This is not a duration we understand. " + Example;
                    return false;
                }

                inTimePart = true;
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '.' or ','))
            {
                i++;
            }

            if (start == i || i == text.Length)
            {
                error = "This is not a duration we understand. " + Example;
                return false;
            }

            var number = text[start..i].Replace(',', '.');
            var designator = text[i];
            i++;

            if (!inTimePart && designator is 'Y' or 'M')
            {
                error = "Years and months have different lengths, so they are not accepted. Use days instead, for example P30D or P365D.";
                return false;
            }

            var (order, unit) = (inTimePart, designator) switch
            {
                (false, 'W') => (0, TimeSpan.TicksPerDay * 7),
                (false, 'D') => (1, TimeSpan.TicksPerDay),
                (true, 'H') => (2, TimeSpan.TicksPerHour),
                (true, 'M') => (3, TimeSpan.TicksPerMinute),
                (true, 'S') => (4, TimeSpan.TicksPerSecond),
                _ => (-1, 0L),
            };

            if (order <= lastOrder)
            {
                error = "This is not a duration we understand. " + Example;
                return false;
            }

            lastOrder = order;
            if (!TryScale(number, unit, allowFraction: designator == 'S' && inTimePart, out var componentTicks, out error))
            {
                return false;
            }

            if (long.MaxValue - ticks < componentTicks)
            {
                error = "The duration is too long.";
                return false;
            }

            ticks += componentTicks;
            sawComponent = true;
            sawComponentAfterT |= inTimePart;
        }

        if (!sawComponent || inTimePart && !sawComponentAfterT)
        {
            error = "This is not a duration we understand. " + Example;
            return false;
        }

        duration = TimeSpan.FromTicks(ticks);
        error = null;
        return true;
    }

    /// <summary>
    /// The canonical form: days rather than weeks (as admins write <c>P7D</c>), then hours, minutes
    /// and seconds; zero is <c>PT0S</c>. <see cref="TryParse"/> reads back every value this writes.
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "ISO 8601 durations here are never negative.");
        }

        if (duration == TimeSpan.Zero)
        {
            return "PT0S";
        }

        var builder = new StringBuilder("P");
        var days = (long)Math.Floor(duration.TotalDays);
        if (days > 0)
        {
            builder.Append(days.ToString(CultureInfo.InvariantCulture)).Append('D');
        }

        var rest = duration - TimeSpan.FromDays(days);
        if (rest > TimeSpan.Zero)
        {
            builder.Append('T');
            if (rest.Hours > 0)
            {
                builder.Append(rest.Hours.ToString(CultureInfo.InvariantCulture)).Append('H');
            }

            if (rest.Minutes > 0)
            {
                builder.Append(rest.Minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
            }

            var seconds = rest.Ticks % TimeSpan.TicksPerMinute;
            if (seconds > 0)
            {
                var value = (decimal)seconds / TimeSpan.TicksPerSecond;
                builder.Append(value.ToString("0.#######", CultureInfo.InvariantCulture)).Append('S');
            }
        }

        return builder.ToString();
    }

    private static bool TryScale(string number, long unitTicks, bool allowFraction, out long ticks, [NotNullWhen(false)] out string? error)
    {
        ticks = 0;
        if (number.Contains('.') && !allowFraction)
        {
            error = "Only seconds may have a fraction; use a smaller unit instead, for example PT90M rather than PT1.5H.";
            return false;
        }

        if (number.Length > 15)
        {
            error = "The duration is too long.";
            return false;
        }

        if (number.StartsWith('.') || number.EndsWith('.') || number.Count(c => c == '.') > 1)
        {
            error = "This is not a duration we understand. " + Example;
            return false;
        }

        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = "This is not a duration we understand. " + Example;
            return false;
        }

        var scaled = value * unitTicks;
        if (scaled > TimeSpan.MaxValue.Ticks)
        {
            error = "The duration is too long.";
            return false;
        }

        ticks = (long)decimal.Truncate(scaled);
        error = null;
        return true;
    }
}
