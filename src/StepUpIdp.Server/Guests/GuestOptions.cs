using System.ComponentModel.DataAnnotations;
using StepUpIdp.Domain.Guests;

namespace StepUpIdp.Server.Guests;

/// <summary>The <c>Guests</c> section; validated at start-up, so a bad value stops the process naming the key.</summary>
public sealed class GuestOptions
{
    public const string Section = "Guests";

    /// <summary><c>Guests:AllowancePerSeat</c>: guests an org may have per account holding the user or admin role.</summary>
    [Range(0, 1000, ErrorMessage = "Guests:AllowancePerSeat must be between 0 and 1000.")]
    public int AllowancePerSeat { get; set; } = GuestAllowance.DefaultPerSeat;
}
