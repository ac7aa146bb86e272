namespace StepUpIdp.Server.Verification;

internal static partial class VerificationLog
{
    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Authorization for {ClientId} needs verification: {Reason}.")]
    public static partial void VerificationRequired(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Passcode email to {Domain} could not be delivered.")]
    public static partial void PasscodeDeliveryFailed(ILogger logger, string domain, Exception exception);
}
