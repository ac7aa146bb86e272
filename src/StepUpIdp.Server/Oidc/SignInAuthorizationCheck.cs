using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// An access token of a sign-in works where the IdP itself is asked (userinfo, introspection, the IdP's own APIs) only
/// while the sign-in's authorization stands: a replayed code or refresh token revokes it (<see cref="StepUpTokenManager{TToken}"/>,
/// docs/sessions.md, "Replayed codes and refresh tokens"). Access tokens have no row of their own, so OpenIddict does not
/// look the authorization up for them; this does, one read by key. Tokens of no sign-in (client credentials, API-token
/// exchange) carry no authorization and pass.
/// </summary>
public static class SignInAuthorizationCheck
{
    private const string Description = "The sign-in this access token comes from was revoked.";

    /// <summary>Whether the authorization the token names (if any) is still valid.</summary>
    public static async ValueTask<bool> StandsAsync(IOpenIddictAuthorizationManager authorizations, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.GetAuthorizationId() is not { Length: > 0 } id)
        {
            return true;
        }

        return await authorizations.FindByIdAsync(id, cancellationToken) is { } authorization
            && await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken);
    }

    /// <summary>For the protocol endpoints (userinfo, introspection): access tokens whose authorization OpenIddict did not check.</summary>
    public sealed class ForServer(IOpenIddictAuthorizationManager authorizations) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenContext>()
                .UseScopedHandler<ForServer>()
                .SetOrder(OpenIddictServerHandlers.Protection.ValidateAuthorizationEntry.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenContext context)
        {
            if (context.AuthorizationId is null && context.Principal is { } principal && principal.HasTokenType(TokenTypeIdentifiers.AccessToken)
                && !await StandsAsync(authorizations, principal, context.CancellationToken))
            {
                context.Reject(Errors.InvalidToken, Description);
            }
        }
    }

    /// <summary>For the IdP's own APIs, which validate bearer tokens through OpenIddict's validation.</summary>
    public sealed class ForValidation(IOpenIddictAuthorizationManager authorizations) : IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
    {
        public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
            OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
                .UseScopedHandler<ForValidation>()
                .SetOrder(OpenIddictValidationHandlers.Protection.ValidateAuthorizationEntry.Descriptor.Order + 500)
                .SetType(OpenIddictValidationHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
        {
            if (context.Principal is { } principal && !await StandsAsync(authorizations, principal, context.CancellationToken))
            {
                context.Reject(Errors.InvalidToken, Description);
            }
        }
    }
}
