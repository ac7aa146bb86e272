namespace StepUpIdp.Server.TokenStorage;

public static class TokenStorageServiceCollectionExtensions
{
    /// <summary>The background pruning of expired and revoked tokens and authorizations. Safe to call twice.</summary>
    public static IServiceCollection AddTokenPruning(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(TokenPruningLock)))
        {
            return services;
        }

        services.AddOptions<TokenPruningOptions>().Bind(configuration.GetSection(TokenPruningOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TokenPruningLock>();
        services.AddScoped<TokenPruning>();
        services.AddSingleton<TokenPruningService>();
        if (configuration.GetValue(TokenPruningOptions.Section + ":" + nameof(TokenPruningOptions.Enabled), true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<TokenPruningService>());
        }

        return services;
    }
}
