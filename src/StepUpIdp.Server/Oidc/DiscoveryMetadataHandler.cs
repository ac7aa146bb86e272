using OpenIddict.Abstractions;
using OpenIddict.Server;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Claims;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>Adds the StepUpIdp ACR values, custom claims and back-channel logout support to the discovery document.</summary>
internal sealed class DiscoveryMetadataHandler : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<DiscoveryMetadataHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        context.Metadata["acr_values_supported"] = new OpenIddictParameter(System.Collections.Immutable.ImmutableArray.CreateRange<string?>(AcrValues.Supported));
        // OIDC Back-Channel Logout 1.0 section 2.1: logout tokens go to registered URIs and carry sid (docs/sessions.md).
        context.Metadata["backchannel_logout_supported"] = true;
        context.Metadata["backchannel_logout_session_supported"] = true;
        foreach (var claim in StepUpClaimTypes.All)
        {
            context.Claims.Add(claim);
        }

        return ValueTask.CompletedTask;
    }
}
