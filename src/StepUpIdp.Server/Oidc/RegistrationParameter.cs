using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The <c>registration</c> parameter (OIDC Core 7.2.1) is not supported: an authorization request that carries one goes
/// back to the app as <c>registration_not_supported</c> (OIDC Core 3.1.2.6), as <c>request</c> and <c>request_uri</c> go
/// back as <c>request_not_supported</c> and <c>request_uri_not_supported</c>. OpenIddict would ignore it, and the app
/// would believe the metadata it sent was taken. docs/relying-party.md, "Protocol details".
/// </summary>
public sealed class RegistrationParameter : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<RegistrationParameter>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateRequestUriParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (context.Request.HasParameter(Parameters.Registration))
        {
            context.Reject(Errors.RegistrationNotSupported, "The 'registration' parameter is not supported.");
        }

        return ValueTask.CompletedTask;
    }
}
