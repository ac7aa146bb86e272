using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Telemetry;

namespace StepUpIdp.Infrastructure.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>Registers a pool of <see cref="StepUpDbContext"/> on SQLite (default) or PostgreSQL, with OpenIddict's entities.</summary>
    public static IServiceCollection AddStepUpDatabase(this IServiceCollection services, IConfiguration configuration, string dataPath)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = options.Provider switch
        {
            DatabaseProvider.Sqlite => string.IsNullOrWhiteSpace(options.ConnectionString)
                ? $"Data Source={Path.Combine(dataPath, "stepupidp.db")}"
                : options.ConnectionString,
            DatabaseProvider.Postgres => string.IsNullOrWhiteSpace(options.ConnectionString)
                ? throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.")
                : options.ConnectionString,
            _ => throw new InvalidOperationException($"Database:Provider '{options.Provider}' is not supported; use Sqlite or Postgres."),
        };

        // Pooled: a token request is short, and building a fresh context each time showed in profiles. One context
        // type per provider, each with its own migrations.
        // Every command's duration goes to the metrics (IdpMetrics).
        var sqliteTuning = new SqliteTuning();
        var latency = new DatabaseLatency();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContextPool<StepUpDbContext, PostgresStepUpDbContext>(db => db.UseNpgsql(connectionString).AddInterceptors(latency).UseOpenIddict());
        }
        else
        {
            services.AddDbContextPool<StepUpDbContext, SqliteStepUpDbContext>(db => db.UseSqlite(connectionString).AddInterceptors(sqliteTuning, latency).UseOpenIddict());
        }

        return services;
    }
}
