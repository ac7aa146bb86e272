namespace StepUpIdp.Infrastructure.Redis.Sessions;

/// <summary>
/// The back-channel logout deliveries, in Redis so that any node can send what another queued, even after that node
/// crashed. Delivery is at least once: a claimed job returns to the queue when its lease runs out unanswered.
/// Every method throws <see cref="VerificationStoreUnavailableException"/> when Redis cannot be reached.
/// </summary>
public interface ILogoutQueue
{
    Task EnqueueAsync(IReadOnlyList<LogoutDelivery> deliveries, DateTimeOffset now);

    /// <summary>Takes up to <paramref name="max"/> due deliveries for this node until <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<LogoutDelivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max);

    Task CompleteAsync(string id);

    /// <summary>Puts a delivery back, to be tried again at <paramref name="dueAt"/>.</summary>
    Task RetryAsync(LogoutDelivery delivery, DateTimeOffset dueAt);

    /// <summary>How many deliveries wait (for health and tests).</summary>
    Task<long> CountAsync();
}
