using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Access tokens and ID tokens are self-contained signed JWTs: APIs check them with the JWKS and nothing in
/// the IdP reads their database rows back. Writing one row per token was the largest cost of a
/// client-credentials request after the secret check, and made the token table grow with traffic. So no row
/// is created for them; authorization codes and refresh tokens keep theirs (redemption, rotation, reuse
/// detection and revocation depend on them). The consequence, in docs/performance.md: such an access token
/// cannot be revoked one by one (revocation answers <c>unsupported_token_type</c>), and introspection judges it
/// by signature and expiry, so it lives out its short lifetime.
/// </summary>
public sealed class SkipTokenEntryForJwts : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<SkipTokenEntryForJwts>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        // A reference token is only its row: it must keep it.
        if (!context.IsReferenceToken && context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)
        {
            context.CreateTokenEntry = false;
        }

        return ValueTask.CompletedTask;
    }
}
