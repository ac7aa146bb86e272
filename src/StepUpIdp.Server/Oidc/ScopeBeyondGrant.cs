using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// A refresh that asks for a scope the refresh token was not granted is <c>invalid_scope</c>, the error RFC 6749 gives a
/// scope that "exceeds the scope granted by the resource owner" (sections 5.2 and 6). OpenIddict refuses it as
/// <c>invalid_grant</c>, which an app reads as a dead refresh token and signs its user out for. The same check, run just
/// before OpenIddict's, with the right error. docs/relying-party.md, "Protocol details".
/// </summary>
public sealed class ScopeBeyondGrant : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<ScopeBeyondGrant>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateGrantedScopes.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.IsRefreshTokenGrantType() && !string.IsNullOrEmpty(context.Request.Scope) && context.RefreshTokenPrincipal is { } granted
            && !granted.GetScopes().ToHashSet(StringComparer.Ordinal).IsSupersetOf(context.Request.GetScopes()))
        {
            context.Reject(Errors.InvalidScope, "The 'scope' asks for more than the refresh token was granted.");
        }

        return ValueTask.CompletedTask;
    }
}
