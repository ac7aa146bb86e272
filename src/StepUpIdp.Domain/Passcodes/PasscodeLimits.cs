namespace StepUpIdp.Domain.Passcodes;

/// <summary>
/// Limits on emailed one-time passcodes and verification lock-out.
/// The defaults are the product's promise (README, docs/redis.md); a deployment may only tighten them.
/// </summary>
public sealed record PasscodeLimits
{
    public int Digits { get; init; } = 6;
    public TimeSpan Validity { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan ResendCooldown { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxTriesPerPasscode { get; init; } = 5;
    public int MaxSendsPerWindow { get; init; } = 5;
    public TimeSpan SendWindow { get; init; } = TimeSpan.FromMinutes(15);
    public int ConsecutiveFailuresBeforeLock { get; init; } = 10;
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(15);

    public static PasscodeLimits Default { get; } = new();
}
