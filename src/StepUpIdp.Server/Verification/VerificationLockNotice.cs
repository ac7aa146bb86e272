namespace StepUpIdp.Server.Verification;

/// <summary>
/// What a locked-out person reads on the passcode and authenticator pages: how long to wait, and whom to ask. Only the
/// organisation that manages the account may lift the lock (docs/security.md, "Across orgs"), so the page names that
/// one, never the organisation that asked for the code when it cannot help.
/// </summary>
public static class VerificationLockNotice
{
    public static string For(DateTimeOffset until, DateTimeOffset now, string? managingOrganisationName)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((until - now).TotalMinutes));
        var wait = $"Verification is paused for {minutes} {(minutes == 1 ? "minute" : "minutes")} after too many wrong codes.";
        return managingOrganisationName is null
            ? $"{wait} Wait until then and try again."
            : $"{wait} Wait, or ask an administrator of {managingOrganisationName}, which manages your account, to unlock it.";
    }
}
