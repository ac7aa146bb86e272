using Microsoft.Extensions.Logging;

namespace StepUpIdp.RelyingParty;

/// <summary>Log events of the library; the ids do not change.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "ReverificationDue", Level = LogLevel.Information,
        Message = "The signed-in user's verification was due at {ReverifyAt}; the session is ended and the next challenge asks for {AcrValues}.")]
    public static partial void ReverificationDue(this ILogger logger, DateTimeOffset? reverifyAt, string? acrValues);

    [LoggerMessage(EventId = 2, EventName = "StepUpRedirect", Level = LogLevel.Information,
        Message = "Step-up required; redirecting to the IdP through scheme {Scheme} with acr_values {AcrValues} and max_age {MaxAge}: {Reason}")]
    public static partial void StepUpRedirect(this ILogger logger, string scheme, string? acrValues, long? maxAge, string reason);

    [LoggerMessage(EventId = 3, EventName = "StepUpBearerChallenge", Level = LogLevel.Information,
        Message = "Step-up required; answering 401 insufficient_user_authentication with acr_values {AcrValues} and max_age {MaxAge}: {Reason}")]
    public static partial void StepUpBearerChallenge(this ILogger logger, string? acrValues, long? maxAge, string reason);

    [LoggerMessage(EventId = 4, EventName = "BackChannelLogoutReceived", Level = LogLevel.Information,
        Message = "Back-channel logout received for session {Sid} (subject {Sub}); it ends at its next request.")]
    public static partial void BackChannelLogoutReceived(this ILogger logger, string? sid, string? sub);

    [LoggerMessage(EventId = 5, EventName = "BackChannelLogoutRefused", Level = LogLevel.Warning,
        Message = "A back-channel logout request was refused: {Reason}.")]
    public static partial void BackChannelLogoutRefused(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6, EventName = "SessionEndedByIdp", Level = LogLevel.Information,
        Message = "The IdP ended this user's session (back-channel logout); the local session ends now.")]
    public static partial void SessionEndedByIdp(this ILogger logger);

    [LoggerMessage(EventId = 7, EventName = "StepUpNotReached", Level = LogLevel.Warning,
        Message = "The IdP's answer to a step-up request does not meet it; answering 403 with a page instead of asking again: {Reason}")]
    public static partial void StepUpNotReached(this ILogger logger, string reason);
}
