using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StepUpIdp.Infrastructure.Data.Registrations;
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
                : PostgresConnectionDefaults.Apply(options.ConnectionString),
            _ => throw new InvalidOperationException($"Database:Provider '{options.Provider}' is not supported; use Sqlite or Postgres."),
        };

        // Pooled: a token request is short, and building a fresh context each time showed in profiles. One context
        // type per provider, each with its own migrations.
        // Every command's duration goes to the metrics (IdpMetrics).
        // Every saved change of a registration moves the registration caches on (docs/performance.md).
        var sqliteTuning = new SqliteTuning();
        var latency = new DatabaseLatency();
        services.AddSingleton(new DatabaseProbe(options.Provider, connectionString));
        services.TryAddSingleton<RegistrationGeneration>();
        services.TryAddSingleton<RegistrationChangeInterceptor>();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContextPool<StepUpDbContext, PostgresStepUpDbContext>((sp, db) => db.UseNpgsql(connectionString)
                .AddInterceptors(latency, sp.GetRequiredService<RegistrationChangeInterceptor>()).UseOpenIddict());
        }
        else
        {
            services.AddDbContextPool<StepUpDbContext, SqliteStepUpDbContext>((sp, db) => db.UseSqlite(connectionString)
                .AddInterceptors(sqliteTuning, latency, sp.GetRequiredService<RegistrationChangeInterceptor>()).UseOpenIddict());
        }

        return services;
    }
}
