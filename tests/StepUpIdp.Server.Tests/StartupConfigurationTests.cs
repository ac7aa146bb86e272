using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace StepUpIdp.Server.Tests;

/// <summary>Outside Development the IdP refuses to start without the configuration it must never guess.</summary>
public sealed class StartupConfigurationTests
{
    [Fact]
    public void Outside_development_the_issuer_is_required_and_never_taken_from_the_host_header()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "stepupidp-tests", Guid.NewGuid().ToString("N"));
        using var production = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseEnvironment("Production")
            .UseSetting("DataPath", dataPath));

        var failure = Assert.ThrowsAny<Exception>(() => production.Services);

        Assert.Contains("Idp:Issuer", Flatten(failure));
    }

    private static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            messages.Add(ex.Message);
        }

        return string.Join(" | ", messages);
    }
}
