namespace StepUpIdp.Domain.Guests;

/// <summary>Which requested scopes an account may be granted.</summary>
public static class ScopePolicy
{
    /// <summary>Scopes that reveal the org's directory; never granted to guests.</summary>
    public static IReadOnlySet<string> DirectoryScopes { get; } =
        new HashSet<string>(["directory.read", "users.search", "mentions"], StringComparer.Ordinal);

    /// <summary>The requested scopes without the directory scopes, in the order requested.</summary>
    public static IReadOnlyList<string> FilterForGuest(IEnumerable<string> requestedScopes) =>
        requestedScopes.Where(scope => !DirectoryScopes.Contains(scope)).ToArray();
}
