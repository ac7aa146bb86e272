using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Verification;

namespace StepUpIdp.Server.Verification;

/// <summary>
/// Reads an account's verification for an org from Redis (one round trip) and judges it under the policy
/// in force now. Null means Redis could not be reached: callers decide whether that blocks the request.
/// </summary>
public sealed class VerificationStatusReader(IVerificationStore store, ILogger<VerificationStatusReader> logger)
{
    public async Task<VerificationStatus?> ReadAsync(
        string organisationId, string accountId, ExternalUserPolicy policy, DateTimeOffset now, DateTimeOffset? interactionStartedAt = null)
    {
        try
        {
            var record = await store.GetAsync(organisationId, accountId);
            return ReverificationSchedule.Evaluate(policy, record, now, interactionStartedAt);
        }
        catch (VerificationStoreUnavailableException ex)
        {
            VerificationLog.StoreUnavailable(logger, ex);
            return null;
        }
    }
}

internal static partial class VerificationLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "The verification store (Redis) is unavailable.")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Authorization for {ClientId} needs verification: {Reason}.")]
    public static partial void VerificationRequired(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Passcode email to {Domain} could not be delivered.")]
    public static partial void PasscodeDeliveryFailed(ILogger logger, string domain, Exception exception);
}
