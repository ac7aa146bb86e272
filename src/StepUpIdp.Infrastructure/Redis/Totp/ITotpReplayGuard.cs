namespace StepUpIdp.Infrastructure.Redis.Totp;

/// <summary>RFC 6238 section 5.2: a TOTP code (time step) accepted once is refused afterwards.</summary>
public interface ITotpReplayGuard
{
    /// <summary>True only the first time <paramref name="timeStep"/> is used by the account, on any IdP node.</summary>
    Task<bool> TryUseAsync(string accountKey, long timeStep, DateTimeOffset now);
}
