using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The shape RFC 7636 gives PKCE values, which OpenIddict does not check: a <c>code_verifier</c> of 43 to 128 unreserved
/// characters (section 4.1), so it carries at least 256 bits when made as the RFC says, and an S256 <c>code_challenge</c>
/// of 43 base64url characters (a SHA-256, section 4.2). A shorter verifier could be guessed; a challenge of any other shape
/// can never be met. docs/relying-party.md, "Protocol details".
/// </summary>
public static class PkceFormat
{
    public static bool IsVerifier(string value) => value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static bool IsS256Challenge(string value) => value.Length == 43 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors => [Challenge.Descriptor, Verifier.Descriptor];

    public sealed class Challenge : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
                .UseSingletonHandler<Challenge>()
                .SetOrder(OpenIddictServerHandlers.Authentication.ValidateProofKeyForCodeExchangeParameters.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
        {
            if (context.Request.CodeChallenge is { } challenge && context.Request.CodeChallengeMethod == CodeChallengeMethods.Sha256 && !IsS256Challenge(challenge))
            {
                context.Reject(Errors.InvalidRequest, "The 'code_challenge' must be 43 base64url characters: the SHA-256 of the code verifier.");
            }

            return ValueTask.CompletedTask;
        }
    }

    public sealed class Verifier : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
                .UseSingletonHandler<Verifier>()
                .SetOrder(int.MinValue + 60_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            if (context.Request.IsAuthorizationCodeGrantType() && context.Request.CodeVerifier is { } verifier && !IsVerifier(verifier))
            {
                context.Reject(Errors.InvalidRequest, "The 'code_verifier' must be 43 to 128 letters, digits, '-', '.', '_' or '~'.");
            }

            return ValueTask.CompletedTask;
        }
    }
}
