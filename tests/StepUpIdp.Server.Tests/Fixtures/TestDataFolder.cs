using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A data folder of its own under the temp folder, for one IdP host or for several that share it (a restart, two
/// nodes), and under <c>STEPUPIDP_TEST_POSTGRES</c> the PostgreSQL database that goes with it. Disposing removes both,
/// so a run leaves nothing behind. An <see cref="IdpHost"/> given no folder makes and removes one of its own.
/// </summary>
public sealed class TestDataFolder : IAsyncDisposable
{
    public const string PostgresVariable = "STEPUPIDP_TEST_POSTGRES";

    public TestDataFolder() => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stepupidp-tests", Guid.NewGuid().ToString("N"));

    public string Path { get; }

    /// <summary>The PostgreSQL server of the run (an Npgsql connection string without a database), or null for SQLite.</summary>
    public static string? Postgres =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { } postgres && !string.IsNullOrWhiteSpace(postgres) ? postgres : null;

    /// <summary>The connection string of the database that belongs to the data folder <paramref name="dataPath"/>.</summary>
    public static string DatabaseOf(string dataPath, string postgres) => $"{postgres};Database={DatabaseName(dataPath)}";

    private static string DatabaseName(string dataPath) =>
        "stepupidp_test_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dataPath)))[..16].ToLowerInvariant();

    public async ValueTask DisposeAsync()
    {
        if (Postgres is { } postgres)
        {
            await DropDatabaseAsync(postgres);
        }

        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held open by a host that is shutting down: the folder is left for the temp cleaner.
        }
    }

    private async Task DropDatabaseAsync(string postgres)
    {
        var database = new NpgsqlConnectionStringBuilder(DatabaseOf(Path, postgres));
        using (var pooled = new NpgsqlConnection(database.ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        var server = new NpgsqlConnectionStringBuilder(postgres) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        // FORCE ends connections the host's pool still holds (PostgreSQL 13 and later). It cannot end a process of
        // another role, such as an autovacuum worker that happens to be in the database (42501), and a database still
        // in use answers 55006: try again shortly, and in the end leave the database, as the folder is left when a file
        // is held open. A clean-up never fails the test it follows.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database.Database}\" WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 5)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
