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
}
