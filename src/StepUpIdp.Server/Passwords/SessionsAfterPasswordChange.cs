using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Passwords;

/// <summary>
/// Signs the account out elsewhere once its password has changed (docs/sessions.md, "When the password changes"): a
/// reset or set-password link ends every session, a change with the current password every other one. Sessions end
/// the one way they always do (<see cref="SignInSessions"/>): refresh tokens fail and apps get a back-channel logout.
/// </summary>
public sealed class SessionsAfterPasswordChange(SignInSessions sessions, ILogger<SessionsAfterPasswordChange> logger)
{
    /// <summary>How many sessions ended, or null when Redis could not be reached (the password is changed all the same).</summary>
    public async Task<int?> EndAsync(string accountId, string? keepSessionId, HttpContext http)
    {
        try
        {
            var ended = await sessions.EndAllAsync(accountId, keepSessionId, http);
            PasswordLog.SessionsEnded(logger, accountId, ended);
            return ended;
        }
        catch (VerificationStoreUnavailableException ex)
        {
            PasswordLog.SessionsNotEnded(logger, accountId, ex);
            return null;
        }
    }
}

internal static partial class PasswordLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "The password of {AccountId} changed: {Count} sign-in sessions ended.")]
    public static partial void SessionsEnded(ILogger logger, string accountId, int count);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "The password of {AccountId} changed, but Redis is unreachable: its sign-in sessions were not ended.")]
    public static partial void SessionsNotEnded(ILogger logger, string accountId, Exception exception);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "The password reset queue is full; a reset request was dropped.")]
    public static partial void ResetQueueFull(ILogger logger);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "A password reset request failed; no link was sent.")]
    public static partial void ResetRequestFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "A password reset email to {AccountId} was refused: too many in a short time.")]
    public static partial void ResetEmailRefused(ILogger logger, string accountId);
}
