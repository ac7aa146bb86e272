using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// What the readiness check asks of the database: a connection opens and answers <c>SELECT 1</c> within the time given
/// (docs/operations.md, "Health"). It uses a connection of its own, never a request's pooled context, so a probe given up
/// on leaves nothing of the requests' in use; on PostgreSQL from a small pool of its own, with connect and command
/// timeouts no longer than the probe's, so a server that stops answering cannot hold it or the requests' pool.
/// </summary>
public sealed class DatabaseProbe(DatabaseProvider provider, string connectionString)
{
    public async Task AnswerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        await using var connection = NewConnection(seconds);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        command.CommandTimeout = seconds;
        if (Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) != 1)
        {
            throw new InvalidOperationException("The database answered SELECT 1 with something else.");
        }
    }

    private DbConnection NewConnection(int seconds) => provider switch
    {
        DatabaseProvider.Postgres => new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = seconds,
            CommandTimeout = seconds,
            MaxPoolSize = 2,
            ApplicationName = "stepupidp-readiness",
        }.ConnectionString),
        _ => new SqliteConnection(connectionString),
    };
}
