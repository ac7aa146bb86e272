using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>The store on SQLite; its migrations live in <c>Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteStepUpDbContext(DbContextOptions<SqliteStepUpDbContext> options) : StepUpDbContext(options);

/// <summary>The store on PostgreSQL; its migrations live in <c>Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresStepUpDbContext(DbContextOptions<PostgresStepUpDbContext> options) : StepUpDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add ... --context SqliteStepUpDbContext</c> build the model without the host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteStepUpDbContext>
{
    public SqliteStepUpDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteStepUpDbContext>().UseSqlite("Data Source=design-time.db").UseOpenIddict().Options);
}

/// <summary>Lets <c>dotnet ef migrations add ... --context PostgresStepUpDbContext</c> build the model without a server.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresStepUpDbContext>
{
    public PostgresStepUpDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresStepUpDbContext>().UseNpgsql("Host=127.0.0.1;Database=stepupidp_design").UseOpenIddict().Options);
}
