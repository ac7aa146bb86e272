using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>Outside Development the IdP refuses to start without the configuration it must never guess.</summary>
public sealed class StartupConfigurationTests
{
    [Fact]
    public async Task Outside_development_the_issuer_is_required_and_never_taken_from_the_host_header()
    {
        await using var data = new TestDataFolder();
        var dataPath = data.Path;
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
