using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Introspection of a token the endpoint does not judge (an ID token, say) answers <c>{"active": false}</c>, as RFC 7662
/// section 2.2 asks for any token that is not active or that the caller may not introspect, instead of OpenIddict's
/// <c>400 unsupported_token_type</c>: a resource server then treats it as it treats any other token it must refuse.
/// </summary>
public sealed class InactiveForUnsupportedTokens : IOpenIddictServerHandler<ApplyIntrospectionResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>()
            .UseSingletonHandler<InactiveForUnsupportedTokens>()
            .SetOrder(50_000) // before the host turns an error into a 400
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyIntrospectionResponseContext context)
    {
        if (context.Transaction.Response?.Error == Errors.UnsupportedTokenType)
        {
            context.Transaction.Response = new OpenIddictResponse { [Parameters.Active] = false };
        }

        return ValueTask.CompletedTask;
    }
}
