using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// The real IdP on Kestrel at 127.0.0.1 (a random port), in Development with the demo data, a data folder
/// of its own and whatever settings a test adds. Relying parties talk to it over real HTTP.
/// </summary>
public sealed class IdpHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public IdpHost(string? dataPath = null, IDictionary<string, string?>? settings = null)
    {
        DataPath = dataPath ?? Path.Combine(Path.GetTempPath(), "stepupidp-tests", Guid.NewGuid().ToString("N"));
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["DataPath"] = DataPath,
        };
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public string DataPath { get; }

    /// <summary>The IdP's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
            return new Uri(addresses.Addresses.First() + "/");
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();
}
