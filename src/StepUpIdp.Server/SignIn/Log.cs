namespace StepUpIdp.Server.SignIn;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Password sign-in failed ({Reason}).")]
    public static partial void PasswordSignInFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Account {AccountId} locked after repeated failed password sign-ins.")]
    public static partial void AccountLocked(ILogger logger, string accountId);
}
