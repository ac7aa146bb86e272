using OpenIddict.EntityFrameworkCore.Models;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// A detached copy of an OpenIddict client registration: every stored field, none of its related authorizations or
/// tokens (never loaded with it, and never shared between copies). A test fails when OpenIddict adds a field this misses.
/// </summary>
internal static class ClientRegistrationCopy
{
    public static OpenIddictEntityFrameworkCoreApplication Of(OpenIddictEntityFrameworkCoreApplication application) => new()
    {
        ApplicationType = application.ApplicationType,
        ClientId = application.ClientId,
        ClientSecret = application.ClientSecret,
        ClientType = application.ClientType,
        ConcurrencyToken = application.ConcurrencyToken,
        ConsentType = application.ConsentType,
        DisplayName = application.DisplayName,
        DisplayNames = application.DisplayNames,
        Id = application.Id,
        JsonWebKeySet = application.JsonWebKeySet,
        Permissions = application.Permissions,
        PostLogoutRedirectUris = application.PostLogoutRedirectUris,
        Properties = application.Properties,
        RedirectUris = application.RedirectUris,
        Requirements = application.Requirements,
        Settings = application.Settings,
    };
}
