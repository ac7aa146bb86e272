using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>
/// Every SQLite connection the IdP uses has write-ahead logging, <c>synchronous=NORMAL</c> and SQLite's busy handler:
/// the first of two connections open at once, the second, and each again after going back to the pool.
/// </summary>
public sealed class SqliteTuningTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"stepupidp-tuning-{Guid.NewGuid():N}.db");
    private readonly SqliteTuning _tuning = new();

    private SqliteStepUpDbContext Open() =>
        new(new DbContextOptionsBuilder<SqliteStepUpDbContext>().UseSqlite($"Data Source={_file}").AddInterceptors(_tuning).UseOpenIddict().Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Each_connection_is_tuned_when_opened_and_stays_so_through_the_pool()
    {
        for (var round = 0; round < 3; round++)
        {
            await using var first = Open();
            await using var second = Open();
            await first.Database.OpenConnectionAsync();
            await second.Database.OpenConnectionAsync();
            Assert.NotSame(((SqliteConnection)first.Database.GetDbConnection()).Handle, ((SqliteConnection)second.Database.GetDbConnection()).Handle);

            foreach (var db in new[] { first, second })
            {
                Assert.Equal("wal", await Pragma(db, "journal_mode"));
                Assert.Equal("1", await Pragma(db, "synchronous")); // NORMAL
                Assert.Equal("30000", await Pragma(db, "busy_timeout"));
            }
        }
    }

    private static async Task<string> Pragma(StepUpDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
