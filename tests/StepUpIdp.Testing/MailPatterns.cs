using System.Text.RegularExpressions;

namespace StepUpIdp.Testing;

/// <summary>What tests read out of the IdP's emails and command output, the way a person would copy it.</summary>
public static partial class MailPatterns
{
    /// <summary>A one-time code: six to eight digits standing on their own.</summary>
    [GeneratedRegex(@"\b\d{6,8}\b")]
    public static partial Regex Code();

    /// <summary>A set-password link (an invitation, a reset, the bootstrap command's set-up link).</summary>
    [GeneratedRegex(@"https?://\S+/account/set-password\?token=[^\s""<>]+")]
    public static partial Regex SetPasswordLink();
}
