using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// An authorization request that OpenIddict refuses while checking it (an unsupported <c>response_type</c>, an unknown
/// scope, missing PKCE ...) goes back to the app with the error, as RFC 6749 section 4.1.2.1 asks, once its client and
/// redirect URI are known to belong together: the client exists, and the redirect URI is one it registered, exactly, as
/// for a successful answer. OpenIddict shows every such error on the IdP's own page instead, so a browser app never
/// learns why it failed. A request whose client or redirect URI is wrong still gets the page: never a redirect to a place
/// the request named. docs/relying-party.md, "Protocol details".
/// </summary>
public sealed class RedirectedAuthorizationErrors(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseScopedHandler<RedirectedAuthorizationErrors>()
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        // A repeated client_id, redirect_uri or response_mode reads as absent, and so stays on the page.
        if (!string.IsNullOrEmpty(context.RedirectUri) || string.IsNullOrEmpty(context.Response.Error) || context.Request is not { } request
            || request.ClientId is not { Length: > 0 } clientId || request.RedirectUri is not { Length: > 0 } redirectUri
            || request.ResponseMode is { } mode && mode is not (ResponseModes.Query or ResponseModes.Fragment or ResponseModes.FormPost))
        {
            return;
        }

        if (await applications.FindByClientIdAsync(clientId, context.CancellationToken) is { } application
            && await applications.ValidateRedirectUriAsync(application, redirectUri, context.CancellationToken))
        {
            context.RedirectUri = redirectUri;
        }
    }
}
