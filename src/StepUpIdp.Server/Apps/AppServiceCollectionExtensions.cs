using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StepUpIdp.Server.Apps;

public static class AppServiceCollectionExtensions
{
    /// <summary>
    /// App registration and client secrets (several live at once; they are checked by the one application manager,
    /// <see cref="Oidc.SecretCachingApplications{TApplication}"/>). Safe to call twice.
    /// </summary>
    public static IServiceCollection AddStepUpApps(this IServiceCollection services)
    {
        services.TryAddScoped<AppSecrets>();
        services.TryAddScoped<AppRegistry>();
        services.TryAddScoped<AppOrigins>();
        services.AddCors();
        services.Replace(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Cors.Infrastructure.ICorsPolicyProvider, AppOriginCors>());
        return services;
    }
}
