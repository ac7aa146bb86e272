using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>A tenant. Its id is a lower-case slug that appears in tokens as <c>org</c>.</summary>
public sealed class Organisation
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public List<OrganisationDomain> VerifiedDomains { get; set; } = [];
    public StoredExternalPolicy ExternalPolicy { get; set; } = new();
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class OrganisationDomain
{
    public required string OrganisationId { get; set; }
    /// <summary>Lower-case domain, compared exactly.</summary>
    public required string Domain { get; set; }
}

/// <summary>One person's identity; may act in several organisations.</summary>
public sealed class Account
{
    public required string Id { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string Name { get; set; }
    /// <summary>Null for accounts that sign in with emailed passcodes only (guests).</summary>
    public string? PasswordHash { get; set; }
    public bool EmailVerified { get; set; }
    public int FailedPasswordAttempts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the managing organisation deactivated the account; null while it may sign in (docs/admin-guide.md).</summary>
    public DateTimeOffset? DeactivatedAt { get; set; }
}

/// <summary>Membership of an account in an organisation; org admins manage its policy, guests and audit log.</summary>
public sealed class OrganisationMember
{
    public required string OrganisationId { get; set; }
    public required string AccountId { get; set; }
    public bool IsAdmin { get; set; }
}

/// <summary>An OIDC client registered to one organisation (the OpenIddict application holds the protocol settings).</summary>
public sealed class App
{
    /// <summary>The OAuth <c>client_id</c>.</summary>
    public required string ClientId { get; set; }
    public required string OrganisationId { get; set; }
    public required string Name { get; set; }
    public AppEnforcement Enforcement { get; set; }
    public string? BackChannelLogoutUri { get; set; }
    public List<AppSpace> Spaces { get; set; } = [];
}

/// <summary>An app-defined resource key that guests can be given access to.</summary>
public sealed class AppSpace
{
    public required string AppClientId { get; set; }
    public required string Key { get; set; }
}

/// <summary>A direct role grant of an account on an app.</summary>
public sealed class RoleGrant
{
    public required string AppClientId { get; set; }
    public required string AccountId { get; set; }
    public AppRole Role { get; set; }
}

public sealed class Group
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string Name { get; set; }
    public List<GroupMember> Members { get; set; } = [];
    public List<GroupAppRole> AppRoles { get; set; } = [];
}

public sealed class GroupMember
{
    public required string GroupId { get; set; }
    public required string AccountId { get; set; }
}

/// <summary>
/// The role a group gives its members on an app. A guest group (role guest) also names the app's spaces its members
/// are guests of, and which of those are read-only (docs/admin-guide.md, "Groups").
/// </summary>
public sealed class GroupAppRole
{
    public required string GroupId { get; set; }
    public required string AppClientId { get; set; }
    public AppRole Role { get; set; }

    /// <summary>Role guest only: the app's spaces the members are guests of.</summary>
    public List<string> Spaces { get; set; } = [];

    /// <summary>Role guest only: the subset of <see cref="Spaces"/> the members may only read.</summary>
    public List<string> ReadOnlySpaces { get; set; } = [];
}
