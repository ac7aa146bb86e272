using Microsoft.Extensions.DependencyInjection.Extensions;
using StepUpIdp.Infrastructure.TwoStep;

namespace StepUpIdp.Server.TwoStep;

public static class TwoStepServiceCollectionExtensions
{
    /// <summary>Authenticator-app enrolment and verification; safe to call twice. Needs the database, Redis and Data Protection registered.</summary>
    public static IServiceCollection AddStepUpTwoStep(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwoStepOptions>().Bind(configuration.GetSection(TwoStepOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddScoped<AuthenticatorStore>();
        services.TryAddSingleton<VerificationFailures>();
        services.TryAddScoped<TotpVerification>();
        services.TryAddScoped<AuthenticatorEnrolment>();
        return services;
    }
}
