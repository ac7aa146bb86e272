namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>
/// Whom a passcode is for. <paramref name="AccountKey"/> is opaque: the account id for a known
/// account, or a keyed hash of the email for an unknown one, so that limits and timing are the
/// same either way (no account enumeration). Lock-out and send limits apply per
/// account key across organisations; a successful verification is recorded for (org, account key).
/// </summary>
public sealed record PasscodeSubject
{
    public PasscodeSubject(string orgId, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(orgId);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        OrgId = orgId;
        AccountKey = accountKey;
    }

    public string OrgId { get; }

    public string AccountKey { get; }
}
