namespace StepUpIdp.Server.Demo;

/// <summary>The shape of <c>config/demo-data.json</c> (Development only).</summary>
public sealed record DemoData(
    IReadOnlyList<DemoOrganisation> Organisations,
    IReadOnlyList<DemoAccount> Accounts,
    IReadOnlyList<DemoMember> Members,
    IReadOnlyList<DemoApp> Apps,
    IReadOnlyList<DemoGrant> Grants);

public sealed record DemoOrganisation(string Id, string Name, IReadOnlyList<string> VerifiedDomains, StepUpIdp.Domain.Policy.ExternalUserPolicyDocument? ExternalPolicy);

public sealed record DemoAccount(string Email, string Name, string? Password);

public sealed record DemoMember(string Organisation, string Email, bool Admin);

public sealed record DemoApp(
    string ClientId,
    string Organisation,
    string Name,
    string Type,
    string Enforcement,
    string? ClientSecret,
    IReadOnlyList<string>? RedirectUris,
    IReadOnlyList<string>? PostLogoutRedirectUris,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Spaces,
    string? BackChannelLogoutUri = null,
    IReadOnlyList<string>? AllowedOrigins = null);

public sealed record DemoGrant(string App, string Email, string Role);
