namespace StepUpIdp.Domain.Guests;

/// <summary>The outcome of checking the guest allowance. The hierarchy is closed.</summary>
public abstract record GuestAllowanceDecision
{
    private GuestAllowanceDecision()
    {
    }

    public sealed record Allowed : GuestAllowanceDecision;

    /// <summary><paramref name="Message"/> is meant for the admin as it stands.</summary>
    public sealed record Refused(string Message, int WouldBe, int Allowance) : GuestAllowanceDecision;
}

/// <summary>
/// An org may have at most <c>perSeat</c> guests per account holding the user or admin role
///. An invitation that would pass the allowance is refused whole.
/// </summary>
public static class GuestAllowance
{
    public const int DefaultPerSeat = 5;

    /// <param name="currentGuests">Guests the org has now.</param>
    /// <param name="seatHolders">Accounts of the org with the user or admin role on any app.</param>
    /// <param name="newGuests">Accounts this invitation would add as guests (not those already guests).</param>
    /// <param name="perSeat">Guests allowed per seat holder (configuration).</param>
    public static GuestAllowanceDecision Check(int currentGuests, int seatHolders, int newGuests, int perSeat = DefaultPerSeat)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(currentGuests);
        ArgumentOutOfRangeException.ThrowIfNegative(seatHolders);
        ArgumentOutOfRangeException.ThrowIfNegative(newGuests);
        ArgumentOutOfRangeException.ThrowIfNegative(perSeat);

        var allowance = (long)seatHolders * perSeat;
        var wouldBe = (long)currentGuests + newGuests;
        if (wouldBe <= allowance)
        {
            return new GuestAllowanceDecision.Allowed();
        }

        var message = $"This would make {wouldBe} {(wouldBe == 1 ? "guest" : "guests")}; "
            + $"the allowance is {allowance} ({perSeat} per user or admin).";
        return new GuestAllowanceDecision.Refused(message, (int)Math.Min(wouldBe, int.MaxValue), (int)Math.Min(allowance, int.MaxValue));
    }
}
