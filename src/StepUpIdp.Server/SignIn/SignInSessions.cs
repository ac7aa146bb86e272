using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Sessions;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Sessions;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.SignIn;

/// <summary>
/// Starts, reads, uses and ends sign-in sessions (docs/sessions.md). Every way a session ends (sign-out, the person,
/// an admin, a timeout) goes through <see cref="EndAsync"/>, so its refresh tokens stop working and its apps hear
/// of it by back-channel logout alike.
/// </summary>
public sealed class SignInSessions(
    ISessionStore store,
    IConnectionMultiplexer redis,
    LogoutNotifier logouts,
    AccountDirectory directory,
    StepUpDbContext db,
    AuditLog audit,
    IOptions<IdpOptions> options,
    TimeProvider clock,
    ILogger<SignInSessions> logger)
{
    public SessionLifetime Lifetime { get; } = new(
        TimeSpan.FromMinutes(options.Value.SessionLifetimeMinutes), TimeSpan.FromMinutes(options.Value.SessionIdleMinutes));

    private TimeSpan OfflineLifetime => TimeSpan.FromMinutes(options.Value.OfflineSessionMinutes);

    /// <summary>The request's session, checked against Redis once per request; null when there is none that counts.</summary>
    public async Task<CurrentSession?> CurrentAsync(HttpContext http)
    {
        await http.AuthenticateAsync(SessionDefaults.Scheme);
        return http.Features.Get<SessionLookup>()?.Session;
    }

    /// <summary>Whether the request carried a session cookie that could not be checked because Redis is unreachable.</summary>
    public static bool StoreWasUnavailable(HttpContext http) => http.Features.Get<SessionLookup>()?.StoreUnavailable == true;

    /// <summary>
    /// Signs the person in after an active authentication (password, or a guest's passcode). The same account
    /// signing in again in the same browser keeps its session (as Keycloak does for a re-authentication), so a
    /// prompt=login does not log the browser out of its other apps; anyone else gets a new session. While Redis
    /// cannot be reached the session is an offline one.
    /// </summary>
    public async Task<CurrentSession> StartAsync(HttpContext http, string accountId, IReadOnlyList<string> methods)
    {
        // Full precision here (tokens carry it in whole seconds): a sign-in just after an admin ended access counts.
        var now = clock.GetUtcNow();
        var authTime = now;
        var existing = await CurrentAsync(http);
        try
        {
            var stamp = CookieStamps.New();
            if (existing is { IsOffline: false } same && same.AccountId == accountId
                && await store.ReauthenticateAsync(accountId, same.SessionId, authTime, methods, stamp.Hash))
            {
                SessionLog.Reauthenticated(logger, same.SessionId);
                await IssueCookieAsync(http, same.Server!, stamp.Value);
                return same with
                {
                    AuthTime = authTime, Methods = methods,
                    Server = same.Server! with { AuthTime = authTime, Methods = methods, CookieStampHash = stamp.Hash },
                };
            }

            if (existing is { IsOffline: false } other)
            {
                // Someone else's session in this browser ends: never carry one person's session over to another.
                await EndAsync(other.AccountId, other.SessionId, http);
            }

            var session = new SignInSession(
                NewSessionId(), accountId, authTime, methods, now, now, now + Lifetime.Absolute,
                DeviceName.Describe(http.Request.Headers.UserAgent.ToString()),
                http.Connection.RemoteIpAddress?.ToString(),
                [], new Dictionary<string, DateTimeOffset>(), []) { CookieStampHash = stamp.Hash };
            await store.CreateAsync(session, Lifetime.Absolute + RedisSessionStore.CleanUpCushion);
            store.ScheduleExpiry(accountId, session.Id, Lifetime.EndsAt(session));
            await IssueCookieAsync(http, session, stamp.Value);
            SessionLog.Started(logger, session.Id);
            return CurrentSession.From(session);
        }
        catch (VerificationStoreUnavailableException ex)
        {
            SessionLog.StartedOffline(logger, ex);
            var offline = new CurrentSession(accountId, NewSessionId(), null, authTime, methods);
            await http.SignInAsync(SessionDefaults.Scheme,
                SessionPrincipal.CreateOffline(accountId, offline.SessionId, authTime, methods), CookieProperties(now + OfflineLifetime));
            return offline;
        }
    }

    /// <summary>
    /// Reads a session for use (one round trip) and marks it used, at most every
    /// <see cref="SessionLifetime.UseRecordingInterval"/>. Null when it is gone or has just timed out (it is then ended).
    /// Throws <see cref="VerificationStoreUnavailableException"/> when Redis is down.
    /// </summary>
    public async Task<SignInSession?> TouchAsync(string accountId, string sessionId, HttpContext? http = null)
    {
        var now = clock.GetUtcNow();
        var session = await store.GetAsync(accountId, sessionId);
        if (session is null)
        {
            return null;
        }

        if (Lifetime.Judge(session, now) is var state and not SessionState.Active)
        {
            SessionLog.Expired(logger, sessionId, state.ToString());
            await EndAsync(accountId, sessionId, http);
            return null;
        }

        if (!SessionLifetime.ShouldRecordUse(session, now))
        {
            return session;
        }

        var used = session with { LastUsedAt = now };
        store.RecordUse(accountId, sessionId, now, session.ExpiresAt);
        store.ScheduleExpiry(accountId, sessionId, Lifetime.EndsAt(used));
        return used;
    }

    /// <summary>An offline session's cookie counts only while Redis is still unreachable and within its short lifetime.</summary>
    internal CurrentSession? AcceptOffline(ClaimsPrincipal principal)
    {
        if (redis.IsConnected
            || SessionPrincipal.OfflineAuthTime(principal) is not { } authTime
            || clock.GetUtcNow() >= authTime + OfflineLifetime)
        {
            return null;
        }

        return new CurrentSession(SessionPrincipal.AccountId(principal)!, SessionPrincipal.SessionId(principal)!, null,
            authTime, SessionPrincipal.OfflineMethods(principal));
    }

    /// <summary>
    /// The one way a verification is recorded, whatever the method: in the session where it was made, for the org
    /// that asked. False when there is no server-side session to hold it (it then counts nowhere). The browser gets a new
    /// cookie with it and the one it had stops working, so a copy of the cookie taken before never shares the verification.
    /// </summary>
    public async Task<bool> RecordVerificationAsync(HttpContext http, CurrentSession session, string organisationId, VerificationRecord record)
    {
        if (session.IsOffline)
        {
            return false;
        }

        var stamp = CookieStamps.New();
        if (!await store.RecordVerificationAsync(session.AccountId, session.SessionId, organisationId, record, stamp.Hash))
        {
            return false;
        }

        await IssueCookieAsync(http, session.Server!, stamp.Value);
        return true;
    }

    /// <summary>Remembers that an app got tokens from the session, for back-channel logout.</summary>
    public async Task RecordClientAsync(CurrentSession session, string clientId)
    {
        if (!session.IsOffline && !session.Server!.Clients.Contains(clientId, StringComparer.Ordinal))
        {
            await store.RecordClientAsync(session.AccountId, session.SessionId, clientId, clock.GetUtcNow());
        }
    }

    /// <summary>Signs the browser out: ends its server-side session and removes the cookie.</summary>
    public async Task SignOutAsync(HttpContext http)
    {
        if (await CurrentAsync(http) is { IsOffline: false } current)
        {
            try
            {
                await EndAsync(current.AccountId, current.SessionId, http);
            }
            catch (VerificationStoreUnavailableException ex)
            {
                // The cookie still goes; the server-side session then ends at its idle timeout.
                SessionLog.EndFailed(logger, ex);
            }
        }

        await http.SignOutAsync(SessionDefaults.Scheme);
    }

    /// <summary>Ends one session: its refresh tokens fail from now on and its apps get a back-channel logout.</summary>
    public async Task<SignInSession?> EndAsync(string accountId, string sessionId, HttpContext? http = null)
    {
        var ended = await store.EndAsync(accountId, sessionId);
        if (ended is not null)
        {
            SessionLog.Ended(logger, sessionId);
            await logouts.QueueAsync([ended], onlyOrganisation: null, http);
            await AuditEndedAsync(accountId, [ended], http);
        }

        return ended;
    }

    /// <summary>Ends every session of the account but <paramref name="keepSessionId"/>; returns how many ended.</summary>
    public async Task<int> EndAllAsync(string accountId, string? keepSessionId, HttpContext? http = null)
    {
        var ended = await store.EndAllAsync(accountId, keepSessionId);
        await logouts.QueueAsync(ended, onlyOrganisation: null, http);
        await AuditEndedAsync(accountId, ended, http);
        return ended.Count;
    }

    /// <summary>
    /// Writes <c>session.ended</c> for each ended session to every organisation that had a part in it (docs/sessions.md,
    /// "Ending sessions"): those the account is a member of or holds a role in, those it verified for in the session, and those whose apps got tokens
    /// from it (a guest's).
    /// </summary>
    /// <param name="http">The request that ended them: the person's own (signing out, ending a session, a new password); none for
    /// a timeout or an admin, whose own action is audited beside it.</param>
    private async Task AuditEndedAsync(string accountId, IReadOnlyCollection<SignInSession> ended, HttpContext? http)
    {
        if (ended.Count == 0)
        {
            return;
        }

        var clients = ended.SelectMany(s => s.Clients).Distinct(StringComparer.Ordinal).ToList();
        var members = await directory.OrganisationsOfAsync(accountId, CancellationToken.None);
        var appOrgs = clients.Count == 0 ? []
            : await db.Apps.AsNoTracking().Where(a => clients.Contains(a.ClientId)).Select(a => new { a.ClientId, a.OrganisationId }).ToListAsync();
        foreach (var session in ended)
        {
            var orgs = members
                .Concat(session.Verifications.Select(v => v.OrganisationId))
                .Concat(appOrgs.Where(a => session.Clients.Contains(a.ClientId, StringComparer.Ordinal)).Select(a => a.OrganisationId))
                .Distinct(StringComparer.Ordinal);
            foreach (var org in orgs)
            {
                // The id is the session's sid, which its apps already hold; the cookie never appears.
                await audit.WriteAsync(new AuditEvent(org, AuditActions.SessionEnded, AuditOutcomes.Success,
                    ActorId: http is null ? null : accountId, SubjectId: accountId,
                    Detail: $"session {session.Id} ({session.Device ?? "unknown device"}, signed in {session.AuthTime:u})"), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Ends an account's access to one organisation's apps in every session: its verifications for the org stop
    /// counting, authentication up to now no longer opens the org's apps, their refresh tokens fail and they get a
    /// back-channel logout. The sessions stay for the person's other organisations. Returns the sessions touched.
    /// </summary>
    public async Task<int> EndOrganisationAccessAsync(string accountId, string organisationId, HttpContext? http = null)
    {
        var sessions = await store.ForgetOrganisationAsync(accountId, organisationId, clock.GetUtcNow());
        await logouts.QueueAsync(sessions, organisationId, http);
        return sessions.Count;
    }

    /// <summary>Makes every session of the account verify again for the organisation.</summary>
    public Task ResetVerificationAsync(string accountId, string organisationId) =>
        store.ForgetOrganisationAsync(accountId, organisationId, accessEndedAt: null);

    /// <summary>The account's sessions that are still alive, most recently used first.</summary>
    public async Task<IReadOnlyList<SignInSession>> ListAsync(string accountId)
    {
        var now = clock.GetUtcNow();
        return (await store.ListAsync(accountId)).Where(s => Lifetime.Judge(s, now) == SessionState.Active).ToList();
    }

    /// <summary>The live sessions of several accounts (admin listings).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<SignInSession>>> ListManyAsync(IReadOnlyList<string> accountIds)
    {
        var now = clock.GetUtcNow();
        var all = await store.ListManyAsync(accountIds);
        return all.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<SignInSession>)pair.Value.Where(s => Lifetime.Judge(s, now) == SessionState.Active).ToList(),
            StringComparer.Ordinal);
    }

    private static AuthenticationProperties CookieProperties(DateTimeOffset expiresAt) => new() { ExpiresUtc = expiresAt, AllowRefresh = false };

    private static Task IssueCookieAsync(HttpContext http, SignInSession session, string stamp) =>
        http.SignInAsync(SessionDefaults.Scheme, SessionPrincipal.Create(session.AccountId, session.Id, stamp), CookieProperties(session.ExpiresAt));

    /// <summary>256 random bits, base64url: unguessable, and it says nothing about the account.</summary>
    private static string NewSessionId() => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
}

internal static partial class SessionLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Sign-in session {SessionId} started.")]
    public static partial void Started(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Sign-in session {SessionId} re-authenticated.")]
    public static partial void Reauthenticated(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Redis is unreachable: an offline sign-in session was started.")]
    public static partial void StartedOffline(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Sign-in session {SessionId} ended.")]
    public static partial void Ended(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Sign-in session {SessionId} timed out ({State}).")]
    public static partial void Expired(ILogger logger, string sessionId, string state);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "A sign-in session could not be ended in Redis; the cookie was removed.")]
    public static partial void EndFailed(ILogger logger, Exception exception);
}
