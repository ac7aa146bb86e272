namespace StepUpIdp.Domain.Claims;

/// <summary>Scopes StepUpIdp defines beyond the OIDC standard ones.</summary>
public static class StepUpScopes
{
    public const string Admin = "stepup.admin";

    /// <summary>Manage one's own API tokens at <c>/api/me/api-tokens</c>.</summary>
    public const string ApiTokens = "stepup.api_tokens";
    public const string DirectoryRead = "directory.read";
    public const string UsersSearch = "users.search";
    public const string Mentions = "mentions";

    /// <summary>Directory scopes, never granted to guests.</summary>
    public static readonly IReadOnlyList<string> Directory = [DirectoryRead, UsersSearch, Mentions];

    public static readonly IReadOnlyList<string> All = [Admin, ApiTokens, DirectoryRead, UsersSearch, Mentions];
}
