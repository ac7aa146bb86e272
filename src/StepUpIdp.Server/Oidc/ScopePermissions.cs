using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// A scope the app is not permitted is <c>invalid_scope</c> (RFC 6749 sections 4.1.2.1 and 5.2), at the authorization and
/// the token endpoint; OpenIddict answers <c>invalid_request</c>, which tells the app its request was malformed. And
/// <c>openid</c> is for a person's sign-in: a client-credentials request for it is <c>invalid_scope</c> too, where
/// OpenIddict, which never checks that protocol scope, issued an ID token about the client itself and a token that
/// userinfo answered for; so is <c>offline_access</c>. The permission checks take the place of OpenIddict's own
/// (<see cref="Replaced"/>), which made the same look-ups with the wrong error; the client-credentials check runs before
/// OpenIddict's grant-type permission check. docs/relying-party.md, "Protocol details".
/// </summary>
public static class ScopePermissions
{
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
    [
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ForAuthorization>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateScopePermissions.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<ForClientCredentials>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateGrantTypePermissions.Descriptor.Order - 1) // which refuses offline_access
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<ForToken>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateScopePermissions.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
    ];

    /// <summary>OpenIddict's scope-permission checks, removed: the handlers above make them in their place.</summary>
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Replaced { get; } =
    [
        OpenIddictServerHandlers.Authentication.ValidateScopePermissions.Descriptor,
        OpenIddictServerHandlers.Exchange.ValidateScopePermissions.Descriptor,
    ];

    public sealed class ForAuthorization(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
    {
        public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
        {
            if (await UnpermittedAsync(applications, context.Request, context.CancellationToken) is { } scope)
            {
                context.Reject(Errors.InvalidScope, $"The application is not permitted the scope '{scope}'.");
            }
        }
    }

    public sealed class ForClientCredentials : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            if (context.Request.IsClientCredentialsGrantType() && PersonalScope(context.Request) is { } personal)
            {
                context.Reject(Errors.InvalidScope, $"The '{personal}' scope is for a person's sign-in; a client credentials token has no end-user.");
            }

            return ValueTask.CompletedTask;
        }
    }

    public sealed class ForToken(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public async ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            if (await UnpermittedAsync(applications, context.Request, context.CancellationToken) is { } scope)
            {
                context.Reject(Errors.InvalidScope, $"The application is not permitted the scope '{scope}'.");
            }
        }
    }

    /// <summary>
    /// A scope only a person's sign-in has: <c>openid</c>, and <c>offline_access</c> (a refresh token, which a client
    /// that holds its own credentials has no use for, RFC 6749 section 4.4.3; OpenIddict said <c>invalid_request</c>).
    /// </summary>
    private static string? PersonalScope(OpenIddictRequest request) =>
        request.HasScope(Scopes.OpenId) ? Scopes.OpenId : request.HasScope(Scopes.OfflineAccess) ? Scopes.OfflineAccess : null;

    /// <summary>The first requested scope the client may not use; <c>openid</c> and <c>offline_access</c> are protocol scopes, judged elsewhere.</summary>
    private static async ValueTask<string?> UnpermittedAsync(IOpenIddictApplicationManager applications, OpenIddictRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.ClientId) || string.IsNullOrEmpty(request.Scope)
            || await applications.FindByClientIdAsync(request.ClientId, cancellationToken) is not { } application)
        {
            return null;
        }

        foreach (var scope in request.GetScopes())
        {
            if (scope is not (Scopes.OpenId or Scopes.OfflineAccess)
                && !await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope, cancellationToken))
            {
                return scope;
            }
        }

        return null;
    }
}
