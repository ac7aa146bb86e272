using System.Net;
using System.Text;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// A request authenticated with <c>Authorization: Basic</c> that also names a different <c>client_id</c> in its body
/// speaks for two clients at once; it is <c>invalid_request</c>. OpenIddict silently took the header's and answered for
/// that client, so the app never learned that its request was contradictory. The same <c>client_id</c> in both places is
/// fine. The header's id is read as RFC 6749 section 2.3.1 encodes it (form-URL-encoded).
/// docs/relying-party.md, "Protocol details".
/// </summary>
public sealed class OneClientPerRequest<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<OneClientPerRequest<TContext>>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractBasicAuthenticationCredentials<TContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        if (context.Transaction.Request?.ClientId is { Length: > 0 } inBody && context.Transaction.GetHttpRequest() is { } http
            && BasicClientId(http.Headers.Authorization.ToString()) is { } inHeader && !string.Equals(inBody, inHeader, StringComparison.Ordinal))
        {
            context.Reject(Errors.InvalidRequest, "The 'client_id' in the body is not the client of the Authorization header.");
        }

        return ValueTask.CompletedTask;
    }

    private static string? BasicClientId(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var credentials = Encoding.ASCII.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon <= 0 ? null : WebUtility.UrlDecode(credentials[..colon]);
        }
        catch (FormatException)
        {
            return null; // OpenIddict refuses the header itself
        }
    }
}

/// <summary>The endpoints where a client authenticates.</summary>
public static class OneClientPerRequest
{
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors =>
    [
        OneClientPerRequest<ExtractTokenRequestContext>.Descriptor,
        OneClientPerRequest<ExtractIntrospectionRequestContext>.Descriptor,
        OneClientPerRequest<ExtractRevocationRequestContext>.Descriptor,
    ];
}
