using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// A userinfo request may be a POST with the access token in the <c>Authorization</c> header and nothing in the body
/// (OIDC Core 5.3.1, RFC 6750 section 2.1). OpenIddict reads every POST as a form and refused one without a
/// <c>Content-Type</c> as <c>invalid_request</c>; a POST with no body is read here as the empty form it is. A body of any
/// other type is still refused. docs/relying-party.md, "Protocol details".
/// </summary>
public sealed class BodylessUserInfoPost : IOpenIddictServerHandler<ExtractUserInfoRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractUserInfoRequestContext>()
            .UseSingletonHandler<BodylessUserInfoPost>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractGetOrPostRequest<ExtractUserInfoRequestContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ExtractUserInfoRequestContext context)
    {
        if (context.Transaction.GetHttpRequest() is { } request && HttpMethods.IsPost(request.Method)
            && string.IsNullOrEmpty(request.ContentType) && request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any())
        {
            request.ContentType = "application/x-www-form-urlencoded";
        }

        return ValueTask.CompletedTask;
    }
}
