using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace StepUpIdp.Server.Hosting;

/// <summary>
/// Whose <c>X-Forwarded-For</c>/<c>-Proto</c> the IdP believes: loopback, plus <c>Idp:KnownProxies</c> (addresses) and
/// <c>Idp:KnownNetworks</c> (CIDR). Behind a load balancer that is not listed, every client would share the balancer's
/// address, and with it the per-address limits. Headers from anyone else are ignored, so a client cannot pick its own
/// address. An entry that does not parse stops start-up, naming the key.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var idp = configuration.GetSection(IdpOptions.Section).Get<IdpOptions>() ?? new IdpOptions();
        var proxies = idp.KnownProxies.Select(entry => IPAddress.TryParse(entry, out var address)
            ? address
            : throw Invalid(nameof(IdpOptions.KnownProxies), entry, "an IP address such as 10.0.0.5")).ToList();
        var networks = idp.KnownNetworks.Select(entry => System.Net.IPNetwork.TryParse(entry, out var network)
            ? network
            : throw Invalid(nameof(IdpOptions.KnownNetworks), entry, "a network in CIDR notation such as 10.0.0.0/8")).ToList();

        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            proxies.ForEach(forwarded.KnownProxies.Add);
            networks.ForEach(forwarded.KnownIPNetworks.Add);
        });
        return services;
    }

    private static InvalidOperationException Invalid(string key, string entry, string expected) =>
        new($"{IdpOptions.Section}:{key} must list {expected}; \"{entry}\" is not one.");
}
