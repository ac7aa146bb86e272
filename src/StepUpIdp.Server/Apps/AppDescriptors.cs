using OpenIddict.Abstractions;
using StepUpIdp.Domain.Apps;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Apps;

/// <summary>Turns a validated registration into OpenIddict's protocol settings for the client.</summary>
public static class AppDescriptors
{
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";

    public static void Apply(OpenIddictApplicationDescriptor descriptor, AppRegistration app)
    {
        descriptor.DisplayName = app.Name;
        descriptor.ConsentType = ConsentTypes.Implicit; // the org's own apps: no consent screen
        descriptor.RedirectUris.Clear();
        descriptor.PostLogoutRedirectUris.Clear();
        descriptor.Permissions.Clear();
        descriptor.Requirements.Clear();
        foreach (var uri in app.RedirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        foreach (var uri in app.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(uri);
        }

        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation]);
        if (app.RedirectUris.Count > 0)
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession, Permissions.ResponseTypes.Code,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken,
            ]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        if (app.Confidential)
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Introspection, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.GrantType + TokenExchangeGrant,
            ]);
        }

        foreach (var scope in app.Scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
    }

    public static IReadOnlyList<string> ScopesOf(OpenIddictApplicationDescriptor descriptor) =>
        descriptor.Permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]).Order(StringComparer.Ordinal).ToList();
}
