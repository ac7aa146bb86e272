namespace StepUpIdp.Domain.Sessions;

/// <summary>Whether a session is still alive, or why it ended. The hierarchy is closed.</summary>
public enum SessionState
{
    Active = 1,

    /// <summary>Unused for longer than the idle timeout.</summary>
    IdleExpired = 2,

    /// <summary>Past its absolute lifetime.</summary>
    LifetimeExpired = 3,
}

/// <summary>
/// The two clocks of a sign-in session (docs/sessions.md): an absolute lifetime from the sign-in that nothing
/// extends, and an idle timeout that every use of the session (a page, an authorization, a refresh) restarts.
/// Keycloak calls them SSO Session Max and SSO Session Idle.
/// </summary>
public sealed record SessionLifetime(TimeSpan Absolute, TimeSpan Idle)
{
    public SessionState Judge(SignInSession session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (now >= session.ExpiresAt)
        {
            return SessionState.LifetimeExpired;
        }

        return now - session.LastUsedAt >= Idle ? SessionState.IdleExpired : SessionState.Active;
    }

    /// <summary>
    /// How stale the recorded last use may get: a use is written only when the recorded one is at least this old,
    /// so most requests only read the session. The idle timeout may then end a session up to this much early.
    /// </summary>
    public static readonly TimeSpan UseRecordingInterval = TimeSpan.FromSeconds(30);

    /// <summary>Whether this use must be written down (see <see cref="UseRecordingInterval"/>).</summary>
    public static bool ShouldRecordUse(SignInSession session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        return now - session.LastUsedAt >= UseRecordingInterval;
    }

    /// <summary>The moment the session ends if nobody uses it again.</summary>
    public DateTimeOffset EndsAt(SignInSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var idleEnd = session.LastUsedAt + Idle;
        return idleEnd < session.ExpiresAt ? idleEnd : session.ExpiresAt;
    }
}
