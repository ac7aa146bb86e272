using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StepUpIdp.Server.Guests;

public static class GuestServiceCollectionExtensions
{
    /// <summary>Guest invitations, the guest sign-in and the guest rules at authorization. Safe to call twice.</summary>
    public static IServiceCollection AddStepUpGuests(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(GuestMailQueue)))
        {
            return services;
        }

        services.AddOptions<GuestOptions>().Bind(configuration.GetSection(GuestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddScoped<GuestDirectory>();
        services.TryAddScoped<GuestInvitations>();
        services.TryAddScoped<GuestSignInGate>();
        services.TryAddScoped<GuestPasscodeSignIn>();
        services.AddSingleton<GuestMailQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<GuestMailQueue>());
        return services;
    }
}
