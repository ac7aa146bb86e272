namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The service types whose last registration is a singleton: resolving one of them always gives the same
/// instance, so it may be kept. Taken from the service collection as the container was built from it.
/// </summary>
internal sealed class SingletonServiceTypes(IServiceCollection services)
{
    private readonly HashSet<Type> _types = services
        .GroupBy(service => service.ServiceType)
        .Where(group => !group.Last().IsKeyedService && group.Last().Lifetime == ServiceLifetime.Singleton)
        .Select(group => group.Key)
        .ToHashSet();

    public bool Contains(Type type) => _types.Contains(type);
}
