using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StepUpIdp.Infrastructure.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>Registers <see cref="StepUpDbContext"/> on SQLite (default) or PostgreSQL, with OpenIddict's entities.</summary>
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

        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContext<StepUpDbContext, PostgresStepUpDbContext>(db => db.UseNpgsql(connectionString).UseOpenIddict());
        }
        else
        {
            services.AddDbContext<StepUpDbContext, SqliteStepUpDbContext>(db => db.UseSqlite(connectionString).UseOpenIddict());
        }

        return services;
    }
}
