using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>The answer to "is this the passcode?": exactly one of the nested cases.</summary>
public abstract record PasscodeVerifyResult
{
    private PasscodeVerifyResult()
    {
    }

    /// <summary>Correct; the passcode is used up and <see cref="Record"/> has been stored.</summary>
    public sealed record Verified(VerificationRecord Record) : PasscodeVerifyResult;

    /// <summary>Not the passcode; it stays live for <see cref="TriesLeft"/> more tries.</summary>
    public sealed record Wrong(int TriesLeft) : PasscodeVerifyResult;

    /// <summary>No live passcode: none was sent, it was used, replaced, or is past its expiry.</summary>
    public sealed record Expired : PasscodeVerifyResult;

    /// <summary>That was the last allowed wrong try; the passcode is gone and a new one must be sent.</summary>
    public sealed record TooManyTries : PasscodeVerifyResult;

    /// <summary>The account's verification is locked after too many consecutive failures.</summary>
    public sealed record Locked(DateTimeOffset Until) : PasscodeVerifyResult;
}
