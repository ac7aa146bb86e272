namespace StepUpIdp.Domain.Accounts;

/// <summary>How far an org admin's action reaches.</summary>
public enum AdminActionReach
{
    /// <summary>The org's own records about the person: its grants, guests' spaces, its verifications, its apps' sessions and tokens.</summary>
    OrgRecords = 1,

    /// <summary>What every org relies on: the authenticator app, the verification lock-out, the password, deactivation.</summary>
    WholeAccount = 2,
}

/// <summary>Whether an org admin may take an action on an account. The hierarchy is closed; anything unset refuses.</summary>
public abstract record AccountActionDecision
{
    private AccountActionDecision()
    {
    }

    public sealed record Allowed : AccountActionDecision;

    /// <summary>The action reaches the whole account, and the org does not manage it.</summary>
    public sealed record NotManaged : AccountActionDecision;
}

/// <summary>
/// Tenant isolation between orgs that share people (docs/security.md). An org manages the accounts whose email domain
/// is exactly one of its verified domains, guests on those domains included: only it may act on the account as a
/// whole. For anyone else (external users, guests from other domains) it acts only on its own records, so one org can
/// never weaken or take over an account that other orgs rely on, say by inviting it as a guest and then removing its
/// authenticator.
/// </summary>
public static class AccountStewardship
{
    /// <summary>Whether the org with <paramref name="verifiedDomains"/> manages the account of <paramref name="email"/>.</summary>
    public static bool Manages(string email, IEnumerable<string> verifiedDomains) =>
        AccountClassifier.Classify(email, verifiedDomains) == UserType.Internal;

    public static AccountActionDecision Decide(AdminActionReach reach, string email, IEnumerable<string> verifiedDomains) => reach switch
    {
        AdminActionReach.OrgRecords => new AccountActionDecision.Allowed(),
        AdminActionReach.WholeAccount when Manages(email, verifiedDomains) => new AccountActionDecision.Allowed(),
        _ => new AccountActionDecision.NotManaged(),
    };
}
