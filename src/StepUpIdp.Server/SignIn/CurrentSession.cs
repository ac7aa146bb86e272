using StepUpIdp.Domain.Sessions;

namespace StepUpIdp.Server.SignIn;

/// <summary>
/// The request's sign-in session once the cookie was checked against Redis: the server-side session, or an offline
/// one (made while Redis was unreachable; <see cref="Server"/> is null and it proves nothing beyond the sign-in).
/// </summary>
public sealed record CurrentSession(string AccountId, string SessionId, SignInSession? Server, DateTimeOffset AuthTime, IReadOnlyList<string> Methods)
{
    public bool IsOffline => Server is null;

    public static CurrentSession From(SignInSession session) =>
        new(session.AccountId, session.Id, session, session.AuthTime, session.Methods);
}

/// <summary>What checking the cookie found, kept on the request so the session is read from Redis once.</summary>
internal sealed class SessionLookup
{
    public CurrentSession? Session { get; init; }

    /// <summary>The cookie named a server-side session, but Redis could not be reached to check it.</summary>
    public bool StoreUnavailable { get; init; }
}
