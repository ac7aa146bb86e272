using Npgsql;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// Tells a database that cannot be reached (stopped, restarting, out of connection slots, the network between) from a
/// fault in the request or the code, so that people and apps get "temporarily unavailable" instead of an internal error
/// (docs/operations.md, "What each failure does to people").
/// </summary>
public static class DatabaseOutage
{
    /// <summary>True when <paramref name="exception"/>, or one it wraps (EF Core's DbUpdateException, say), says the database is away.</summary>
    public static bool IsOutage(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                // SQLSTATE classes 08 (connection exception) and 53 (insufficient resources, e.g. 53300 too many
                // connections), and 57P01-57P03: the server is shutting down, crashed or is still starting up.
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState is "57P01" or "57P02" or "57P03";

                // Npgsql's own exceptions, not the server's: the connection could not be opened or broke (refused,
                // reset, timed out, the pool exhausted).
                case NpgsqlException:
                    return true;
            }
        }

        return false;
    }
}
