using System.Globalization;

namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>The answer to "send a new passcode": exactly one of the nested cases.</summary>
public abstract record PasscodeIssueResult
{
    private PasscodeIssueResult()
    {
    }

    /// <summary>A new passcode to email; it replaced any earlier one. Never log <see cref="Code"/>.</summary>
    public sealed record Issued(string Code, DateTimeOffset ExpiresAt) : PasscodeIssueResult
    {
        /// <summary>Names this send in the send limits, so that an undelivered one can be taken back.</summary>
        public string SendId { get; init; } = string.Empty;

        // Keep the passcode out of logs and exception messages that print the result.
        public override string ToString() =>
            $"Issued {{ Code = <redacted>, ExpiresAt = {ExpiresAt.ToString("O", CultureInfo.InvariantCulture)} }}";
    }

    /// <summary>A passcode was sent less than the resend cool-down ago.</summary>
    public sealed record CoolingDown(TimeSpan RetryAfter) : PasscodeIssueResult;

    /// <summary>Too many passcodes were sent to this account, or from this client IP, in the window.</summary>
    public sealed record RateLimited(TimeSpan RetryAfter, PasscodeRateLimitScope Scope) : PasscodeIssueResult;

    /// <summary>The account's verification is locked after too many consecutive failures.</summary>
    public sealed record Locked(DateTimeOffset Until) : PasscodeIssueResult;
}

public enum PasscodeRateLimitScope
{
    Account = 1,
    ClientIp = 2,
}
