using StepUpIdp.Infrastructure.Redis.Passcodes;

namespace StepUpIdp.Server.Verification;

/// <summary>The audit log's words for passcode outcomes; one wording for external verification and guest sign-in alike.</summary>
public static class PasscodeAuditDetail
{
    public static string Of(PasscodeIssueResult result) => result switch
    {
        PasscodeIssueResult.CoolingDown => "resend cool-down",
        PasscodeIssueResult.RateLimited limited => $"send limit per {limited.Scope.ToString().ToLowerInvariant()}",
        PasscodeIssueResult.Locked => "verification locked",
        _ => "sent",
    };

    public static string Of(PasscodeVerifyResult result) => result switch
    {
        PasscodeVerifyResult.Verified => "verified",
        PasscodeVerifyResult.Wrong wrong => $"wrong code, {wrong.TriesLeft} tries left",
        PasscodeVerifyResult.Expired => "no live passcode (expired, used or replaced)",
        PasscodeVerifyResult.TooManyTries => "too many wrong tries; passcode discarded",
        PasscodeVerifyResult.Locked => "verification locked",
        _ => "unknown",
    };
}
