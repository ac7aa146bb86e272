using OpenIddict.Abstractions;
using OpenIddict.Server;
using StepUpIdp.Domain.Claims;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// A refresh that asks for fewer scopes (RFC 6749 section 6) gets an access token for those scopes only:
/// <see cref="TokenPrincipalFactory.ForUser"/> narrows its claims, and this its audiences, which OpenIddict would
/// otherwise carry over from the refresh token. So a token narrowed to <c>openid</c> no longer names the IdP's own API.
/// docs/relying-party.md, "Protocol details".
/// </summary>
public sealed class NarrowedRefreshAudiences : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<NarrowedRefreshAudiences>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.Request.IsRefreshTokenGrantType() && !string.IsNullOrEmpty(context.Request.Scope)
            && context.AccessTokenPrincipal is { } principal && context.Request.ClientId is { } clientId)
        {
            principal.SetAudiences([.. IdpApi.AudiencesFor(clientId, principal.GetScopes())]);
        }

        return ValueTask.CompletedTask;
    }
}
