using Microsoft.Extensions.Options;
using StepUpIdp.Infrastructure.ApiTokens;

namespace StepUpIdp.Server.ApiTokens;

public static class ApiTokenServiceCollectionExtensions
{
    /// <summary>
    /// Personal API tokens: the issuer, the RFC 8693 exchange at the token endpoint, batched last-used times.
    /// Safe to call twice.
    /// </summary>
    public static IServiceCollection AddApiTokens(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(ApiTokenUsage)))
        {
            return services;
        }

        services.AddOptions<ApiTokenOptions>().Bind(configuration.GetSection(ApiTokenOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiTokenUsage>();
        services.AddHostedService(sp => new ApiTokenUsageFlusher(
            sp.GetRequiredService<ApiTokenUsage>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<ApiTokenOptions>>().Value.LastUsedFlushSeconds),
            sp.GetRequiredService<ILogger<ApiTokenUsageFlusher>>()));
        services.AddScoped<ApiTokenIssuer>();
        services.AddScoped<ApiTokenExchange>();

        services.AddOpenIddict().AddServer(server =>
        {
            server.AllowTokenExchangeFlow();
            server.Configure(options =>
            {
                // Only API tokens may be exchanged, and nobody may act for someone else (no actor tokens):
                // OpenIddict answers invalid_request for any other subject_token_type or any actor_token_type.
                options.SubjectTokenTypes.Clear();
                options.SubjectTokenTypes.Add(ApiTokenOptions.SubjectTokenType);
                options.ActorTokenTypes.Clear();
            });
            server.AddEventHandler(SkipApiTokenSubjectValidation.Descriptor);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApiTokens(this IEndpointRouteBuilder endpoints) => endpoints.MapMeApiTokensApi();
}
