namespace StepUpIdp.Domain.Guests;

/// <summary>Whether a guest may sign in to an app now. The hierarchy is closed.</summary>
public abstract record GuestAccessDecision
{
    private GuestAccessDecision()
    {
    }

    public sealed record Allowed : GuestAccessDecision;

    public sealed record Denied(GuestDeniedReason Reason) : GuestAccessDecision;
}

public enum GuestDeniedReason
{
    /// <summary>The guest has no space on the app; it stays on the guest list but cannot sign in.</summary>
    NoSpaces = 1,

    /// <summary>The access end date set at invitation has passed.</summary>
    Expired = 2,
}

/// <summary>The guest-only sign-in conditions.</summary>
public static class GuestAccess
{
    public static GuestAccessDecision CheckSignIn(IReadOnlyList<string> spaces, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        // Expiry first: it is final, whereas spaces can be given back by an admin.
        if (expiresAt is { } expiry && now >= expiry)
        {
            return new GuestAccessDecision.Denied(GuestDeniedReason.Expired);
        }

        if (spaces.Count == 0)
        {
            return new GuestAccessDecision.Denied(GuestDeniedReason.NoSpaces);
        }

        return new GuestAccessDecision.Allowed();
    }
}
