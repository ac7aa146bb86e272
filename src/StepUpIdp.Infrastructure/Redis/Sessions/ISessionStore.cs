using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Infrastructure.Redis.Sessions;

/// <summary>
/// Server-side sign-in sessions in Redis, shared by every IdP node (docs/sessions.md). The store remembers and
/// removes; whether a session is still alive is decided by the caller with <see cref="SessionLifetime"/>. Every
/// method throws <see cref="VerificationStoreUnavailableException"/> when Redis cannot be reached.
/// </summary>
public interface ISessionStore
{
    /// <summary>Stores a new session; Redis may clean it up after <paramref name="retention"/>.</summary>
    Task CreateAsync(SignInSession session, TimeSpan retention);

    /// <summary>Reads a session in one round trip; null when it does not exist.</summary>
    Task<SignInSession?> GetAsync(string accountId, string sessionId);

    /// <summary>Marks the session used at <paramref name="now"/> without waiting (fire and forget, ordered on the connection).</summary>
    void RecordUse(string accountId, string sessionId, DateTimeOffset now, DateTimeOffset expiresAt);

    /// <summary>
    /// A new active authentication in an existing session (a password typed again, say), with the hash of the stamp its
    /// new cookie carries, in one step.
    /// </summary>
    Task<bool> ReauthenticateAsync(string accountId, string sessionId, DateTimeOffset authTime, IReadOnlyList<string> methods, string cookieStampHash);

    /// <summary>
    /// Records a verification for an organisation in the session, with the hash of the stamp its new cookie carries, in
    /// one step; false when the session no longer exists.
    /// </summary>
    Task<bool> RecordVerificationAsync(string accountId, string sessionId, string organisationId, VerificationRecord record, string cookieStampHash);

    /// <summary>Remembers that an app received tokens from the session; false when the session no longer exists.</summary>
    Task<bool> RecordClientAsync(string accountId, string sessionId, string clientId, DateTimeOffset at);

    /// <summary>Removes a session; returns what it was, or null when it was already gone.</summary>
    Task<SignInSession?> EndAsync(string accountId, string sessionId);

    /// <summary>Removes every session of the account but <paramref name="keepSessionId"/>; returns those removed.</summary>
    Task<IReadOnlyList<SignInSession>> EndAllAsync(string accountId, string? keepSessionId = null);

    /// <summary>
    /// Stops what every session of the account proved for an organisation: removes its verifications and, when
    /// <paramref name="accessEndedAt"/> is given, marks authentication up to then as no longer counting for it.
    /// Returns the sessions as they are afterwards.
    /// </summary>
    Task<IReadOnlyList<SignInSession>> ForgetOrganisationAsync(string accountId, string organisationId, DateTimeOffset? accessEndedAt);

    /// <summary>The account's sessions that still exist in Redis (alive or not yet swept).</summary>
    Task<IReadOnlyList<SignInSession>> ListAsync(string accountId);

    /// <summary>The sessions of several accounts in two round trips (admin listings).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<SignInSession>>> ListManyAsync(IReadOnlyList<string> accountIds);

    /// <summary>Sets when the expiry sweep should look at the session next (fire and forget).</summary>
    void ScheduleExpiry(string accountId, string sessionId, DateTimeOffset at);

    /// <summary>Takes up to <paramref name="max"/> sessions whose scheduled time has come; each is handed to one caller only.</summary>
    Task<IReadOnlyList<(string AccountId, string SessionId)>> TakeDueExpiriesAsync(DateTimeOffset now, int max);
}
