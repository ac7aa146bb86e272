namespace StepUpIdp.Infrastructure.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from the <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Empty with SQLite: a file <c>stepupidp.db</c> in the data folder. Required with PostgreSQL.</summary>
    public string? ConnectionString { get; set; }
}
