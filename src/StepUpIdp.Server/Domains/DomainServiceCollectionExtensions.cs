using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StepUpIdp.Infrastructure.Domains;

namespace StepUpIdp.Server.Domains;

public static class DomainServiceCollectionExtensions
{
    /// <summary>Domain verification by DNS (<c>Directory:DnsServers</c>). Safe to call twice.</summary>
    public static IServiceCollection AddStepUpDomains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DnsOptions>().Bind(configuration.GetSection(DnsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsOptions>, DnsOptionsValidator>());
        services.TryAddSingleton<DnsTxtLookup>();
        services.TryAddScoped<DomainEditor>();
        return services;
    }
}
