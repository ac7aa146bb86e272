using OpenIddict.Abstractions;
using OpenIddict.Server;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Claims;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>Adds the StepUpIdp ACR values and custom claims to the discovery document (contract section 2).</summary>
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
        foreach (var claim in StepUpClaimTypes.All)
        {
            context.Claims.Add(claim);
        }

        return ValueTask.CompletedTask;
    }
}
