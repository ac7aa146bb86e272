using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Infrastructure.Data.Registrations;

public static class RegistrationCacheServiceCollectionExtensions
{
    /// <summary>
    /// The in-memory caches of registrations and the Redis channel that keeps them in step across nodes
    /// (docs/performance.md). Needs <c>AddStepUpDatabase</c> (which registers the <see cref="RegistrationGeneration"/> its
    /// interceptor moves on) and <c>AddStepUpRedis</c>.
    /// </summary>
    public static IServiceCollection AddRegistrationCaches(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegistrationCacheOptions>().Bind(configuration.GetSection(RegistrationCacheOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<RegistrationCacheOptions>>().Value);
        services.TryAddSingleton(typeof(RegistrationCache<>));
        services.AddHostedService<RegistrationChangeChannel>();
        return services;
    }
}
