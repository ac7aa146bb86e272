using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Infrastructure.Redis.Verification;

/// <summary>
/// The last verification per (org, account), shared by every IdP node (contract section 3). The
/// store only remembers; whether a record still counts is decided by the caller against the policy
/// in force. Every method throws <see cref="VerificationStoreUnavailableException"/> when Redis is down.
/// </summary>
public interface IVerificationStore
{
    Task<VerificationRecord?> GetAsync(string orgId, string accountId);

    /// <summary>Records a verification; <paramref name="retention"/> only sets when Redis may clean it up.</summary>
    Task RecordAsync(string orgId, string accountId, VerificationRecord record, TimeSpan retention);

    Task ResetAsync(string orgId, string accountId);

    /// <summary>The records of several accounts in one round trip; accounts without one are absent.</summary>
    Task<IReadOnlyDictionary<string, VerificationRecord>> GetManyAsync(string orgId, IReadOnlyList<string> accountIds);
}
