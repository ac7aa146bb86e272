using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// A userinfo request that carries an access token both in the <c>Authorization</c> header and as the
/// <c>access_token</c> parameter is <c>invalid_request</c>: RFC 6750 section 2 lets a client use one method only, and
/// section 3.1 names this error for a request that "uses more than one method for including an access token". OpenIddict
/// took the header's and ignored the other. Runs after the parameters are read and before OpenIddict reads the header.
/// docs/relying-party.md, "Protocol details".
/// </summary>
public sealed class BearerTokenSentOnce : IOpenIddictServerHandler<ExtractUserInfoRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractUserInfoRequestContext>()
            .UseSingletonHandler<BearerTokenSentOnce>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractAccessToken<ExtractUserInfoRequestContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ExtractUserInfoRequestContext context)
    {
        if (context.Transaction.GetHttpRequest() is { } http && context.Transaction.Request is { AccessToken.Length: > 0 }
            && http.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Reject(Errors.InvalidRequest, "The access token must be sent in one way only: the Authorization header or the access_token parameter.");
        }

        return ValueTask.CompletedTask;
    }
}
