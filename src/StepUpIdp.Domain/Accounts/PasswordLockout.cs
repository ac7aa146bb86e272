namespace StepUpIdp.Domain.Accounts;

/// <summary>An account's password lock-out state as stored: consecutive failures and the lock's end, if any.</summary>
public sealed record PasswordLockoutState(int ConsecutiveFailures, DateTimeOffset? LockedUntil)
{
    public static PasswordLockoutState Clear { get; } = new(0, null);
}

/// <summary>Whether a password may be tried now. The hierarchy is closed.</summary>
public abstract record PasswordAttemptDecision
{
    private PasswordAttemptDecision()
    {
    }

    public sealed record CanTry : PasswordAttemptDecision;

    /// <summary>
    /// The account is locked until <paramref name="Until"/>. The sign-in page should say only that
    /// sign-in is paused for a while, and the same for an unknown email, so the lock does not reveal that
    /// the account exists.
    /// </summary>
    public sealed record Locked(DateTimeOffset Until) : PasswordAttemptDecision;
}

/// <summary>
/// Password lock-out (an account's "lock-out state"; the numbers follow ASP.NET Core
/// Identity's <c>LockoutOptions</c>: 5 failures, 15 minutes). Pure: the caller stores the state.
/// A lock stops online guessing; the counter restarts when a lock is applied or a password succeeds.
/// </summary>
public sealed record PasswordLockout
{
    public int MaxFailures { get; init; } = 5;

    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(15);

    public static PasswordLockout Default { get; } = new();

    /// <summary>Whether a password may be tried now; the lock ends exactly at <c>LockedUntil</c>.</summary>
    public PasswordAttemptDecision Check(PasswordLockoutState state, DateTimeOffset now) =>
        state.LockedUntil is { } until && now < until
            ? new PasswordAttemptDecision.Locked(until)
            : new PasswordAttemptDecision.CanTry();

    /// <summary>The state after a wrong password; the <see cref="MaxFailures"/>th failure in a row locks the account.</summary>
    public PasswordLockoutState AfterFailure(PasswordLockoutState state, DateTimeOffset now)
    {
        // A failure during a lock should not happen (Check refuses first); keep the lock as it is.
        if (state.LockedUntil is { } until && now < until)
        {
            return state;
        }

        var failures = state.ConsecutiveFailures + 1;
        return failures >= MaxFailures
            ? new PasswordLockoutState(0, now + LockDuration)
            : new PasswordLockoutState(failures, null);
    }

    /// <summary>
    /// The state to store before a password is checked, or null when the account is locked and no password may be
    /// checked. The attempt counts as a failure up front, so parallel guesses can never check more passwords than
    /// <see cref="MaxFailures"/> allows; a right password then stores <see cref="AfterSuccess"/>.
    /// </summary>
    public PasswordLockoutState? BeforeAttempt(PasswordLockoutState state, DateTimeOffset now) =>
        Check(state, now) is PasswordAttemptDecision.Locked ? null : AfterFailure(state, now);

    /// <summary>The state after a correct password.</summary>
    public static PasswordLockoutState AfterSuccess() => PasswordLockoutState.Clear;
}
