using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Hosting;

/// <summary>
/// The server program as an operator runs it outside Development, as a real process: it refuses to start on a
/// database that is behind, <c>migrate</c> brings it up to date, and <c>bootstrap</c> prints the first admin's link.
/// </summary>
public sealed class ProductionCommandsTests : IAsyncLifetime
{
    private readonly TestDataFolder _data = new();
    private SmtpSink _mail = null!;

    public async Task InitializeAsync() => _mail = await SmtpSink.StartAsync();

    public async Task DisposeAsync()
    {
        await _mail.DisposeAsync();
        await _data.DisposeAsync();
    }

    [Fact]
    public async Task A_new_production_database_is_migrated_by_command_then_bootstrapped()
    {
        var refused = await RunAsync([]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("'migrate' command", refused.Output);

        var migrated = await RunAsync(["migrate"]);
        Assert.True(migrated.ExitCode == 0, migrated.Output);
        Assert.Contains("InitialSchema", migrated.Output);
        Assert.Contains("up to date", (await RunAsync(["migrate"])).Output);

        // A migrated database is not enough to serve: outside Development the embedded Redis server is refused.
        var serve = await RunAsync([]);
        Assert.NotEqual(0, serve.ExitCode);
        Assert.Contains("Redis:Configuration must be set outside Development", serve.Output);

        var bootstrapped = await RunAsync(["bootstrap", "--org", "acme", "--name", "Acme", "--admin-email", "ada@acme.example"]);
        Assert.True(bootstrapped.ExitCode == 0, bootstrapped.Output);
        Assert.Contains("https://idp.acme.example/account/set-password?token=", bootstrapped.Output);

        var again = await RunAsync(["bootstrap", "--org", "other", "--name", "Other", "--admin-email", "eve@other.example"]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already has an organisation", again.Output);
    }

    /// <summary>The program with a production configuration, except Redis (the serve step shows it is then refused).</summary>
    private Task<(int ExitCode, string Output)> RunAsync(string[] args) => IdpProcess.RunCommandAsync(_data.Path, redis: null,
        IdpProcess.ProductionSettings(new Uri("https://idp.acme.example/"), _mail.Host, _mail.Port), args);
}
