using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The OAuth errors the IdP decides itself (<see cref="OidcResults.Error"/>: <c>login_required</c>,
/// <c>interaction_required</c>, a bad <c>max_age</c>, <c>invalid_grant</c> at a refresh ...) go out without an
/// <c>error_uri</c>. OpenIddict filled in the page of its own default error for the endpoint, so a developer who followed
/// the link read "The authorization was denied by the end user" about a <c>login_required</c>; RFC 6749 section 4.1.2.1
/// wants the page to be about the error. Errors OpenIddict raises itself keep their pages.
/// </summary>
public sealed class HostErrorsWithoutForeignUri : IOpenIddictServerHandler<ProcessChallengeContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessChallengeContext>()
            .UseSingletonHandler<HostErrorsWithoutForeignUri>()
            .SetOrder(OpenIddictServerHandlers.AttachDefaultChallengeError.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessChallengeContext context)
    {
        if (context.Transaction.GetProperty<AuthenticationProperties>(typeof(AuthenticationProperties).FullName!) is { } properties
            && properties.GetString(OpenIddictServerAspNetCoreConstants.Properties.Error) is not null
            && properties.GetString(OpenIddictServerAspNetCoreConstants.Properties.ErrorUri) is null)
        {
            context.Response.ErrorUri = null;
        }

        return ValueTask.CompletedTask;
    }
}
