namespace StepUpIdp.Domain.Policy;

/// <summary>Whom a policy of an organisation is for (docs/external-policies.md).</summary>
public enum ExternalPolicyScope
{
    /// <summary>Every external user no other policy takes.</summary>
    Default = 0,

    /// <summary>External users whose email domain is in the policy's list.</summary>
    Domains = 1,

    /// <summary>A few chosen external users, to try a change on them first.</summary>
    Pilot = 2,
}

/// <summary>An account chosen for the pilot policy, with the email it is shown by.</summary>
public sealed record PilotAccount(string AccountId, string Email);

/// <summary>
/// One of an organisation's external-user policies: the default one (<see cref="DefaultId"/>), a domain policy or the
/// pilot. <see cref="Id"/> is what tokens carry as <c>ext_policy</c> and what the audit log names.
/// </summary>
public sealed record ScopedExternalPolicy(string Id, string Name, ExternalPolicyScope Scope, ExternalUserPolicy Policy)
{
    /// <summary>The id of the default policy, in tokens and in the API.</summary>
    public const string DefaultId = "default";

    /// <summary>The default policy's name, which does not change.</summary>
    public const string DefaultName = "Default";

    /// <summary>Domain policies: lower-case email domains, compared exactly.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>The pilot: the chosen accounts.</summary>
    public IReadOnlyList<PilotAccount> PilotAccounts { get; init; } = [];

    public static ScopedExternalPolicy ForDefault(ExternalUserPolicy policy) => new(DefaultId, DefaultName, ExternalPolicyScope.Default, policy);

    /// <summary>A few words for the audit log and pages: <c>pilot "Try 2SV" (pol_…)</c>.</summary>
    public string Describe() => Scope switch
    {
        ExternalPolicyScope.Default => "default policy",
        ExternalPolicyScope.Pilot => $"pilot policy \"{Name}\" ({Id})",
        _ => $"policy \"{Name}\" ({Id})",
    };
}
