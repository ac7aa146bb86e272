using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Hosting;

/// <summary>The administrative commands of the server program; each returns the process exit code.</summary>
public static class ServerCommands
{
    public static async Task<int> RunAsync(WebApplication app, ServerCommandLine commandLine)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var cancellationToken = app.Lifetime.ApplicationStopping;
        switch (commandLine.Verb)
        {
            case ServerCommandLine.Migrate:
                var applied = await DatabaseMigrations.MigrateAsync(
                    services.GetRequiredService<StepUpDbContext>(), app.Environment.IsDevelopment(), cancellationToken);
                Console.WriteLine(applied.Count == 0
                    ? "The database is up to date."
                    : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}.");
                return 0;
            default:
                await Console.Error.WriteLineAsync(ServerCommandLine.Usage);
                return 2;
        }
    }
}
