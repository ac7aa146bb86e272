using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StepUpIdp.Server.Passwords;

public static class PasswordServiceCollectionExtensions
{
    /// <summary>Set-password and reset links, and password changes. Safe to call twice.</summary>
    public static IServiceCollection AddStepUpPasswords(this IServiceCollection services)
    {
        services.TryAddScoped<PasswordLinks>();
        services.TryAddScoped<PasswordResetRequests>();
        services.TryAddSingleton(Domain.Accounts.PasswordResetEmailLimit.Default);
        services.TryAddScoped<PasswordChange>();
        services.TryAddScoped<SessionsAfterPasswordChange>();
        services.TryAddScoped<Bootstrap.OrganisationBootstrap>();
        if (!services.Any(d => d.ServiceType == typeof(PasswordResetQueue)))
        {
            services.AddSingleton<PasswordResetQueue>();
            services.AddHostedService(provider => provider.GetRequiredService<PasswordResetQueue>());
        }

        return services;
    }
}
