namespace StepUpIdp.Domain.Accounts;

/// <summary>Whether a password reset email may go to an account now. The hierarchy is closed.</summary>
public abstract record PasswordResetEmailDecision
{
    private PasswordResetEmailDecision()
    {
    }

    public sealed record Send : PasswordResetEmailDecision;

    /// <summary>The last email went less than the cool-down ago.</summary>
    public sealed record CoolingDown(TimeSpan RetryAfter) : PasswordResetEmailDecision;

    /// <summary>The window's emails are used up.</summary>
    public sealed record Capped(TimeSpan RetryAfter) : PasswordResetEmailDecision;
}

/// <summary>
/// How many password reset emails one account gets: at least 30 seconds apart, at most 5 in 15 minutes (the numbers
/// of emailed passcodes, <see cref="Passcodes.PasscodeLimits"/>). Pure: the caller keeps the send times.
/// </summary>
public sealed record PasswordResetEmailLimit
{
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxPerWindow { get; init; } = 5;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    public static PasswordResetEmailLimit Default { get; } = new();

    /// <summary>Decides on the times of the account's earlier emails (older ones than the window are ignored).</summary>
    public PasswordResetEmailDecision Decide(IEnumerable<DateTimeOffset> earlierSends, DateTimeOffset now)
    {
        var recent = earlierSends.Where(sent => sent > now - Window).Order().ToList();
        if (recent.Count > 0 && now - recent[^1] < Cooldown)
        {
            return new PasswordResetEmailDecision.CoolingDown(recent[^1] + Cooldown - now);
        }

        return recent.Count >= MaxPerWindow
            ? new PasswordResetEmailDecision.Capped(recent[0] + Window - now)
            : new PasswordResetEmailDecision.Send();
    }
}
