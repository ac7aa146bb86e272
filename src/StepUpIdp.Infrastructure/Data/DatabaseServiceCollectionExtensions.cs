using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

        // Pooled: a token request is short, and building a fresh context each time showed in profiles.
        var sqliteTuning = new SqliteTuning();
        services.AddDbContextPool<StepUpDbContext>(db =>
        {
            if (options.Provider == DatabaseProvider.Postgres)
            {
                db.UseNpgsql(connectionString);
            }
            else
            {
                db.UseSqlite(connectionString).AddInterceptors(sqliteTuning);
            }

            db.UseOpenIddict();
        });

        return services;
    }
}
