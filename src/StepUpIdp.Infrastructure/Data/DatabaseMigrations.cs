using Microsoft.EntityFrameworkCore;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// The schema is versioned by EF Core migrations, one set per provider. Development applies them on start;
/// every other environment applies them with the server's <c>migrate</c> command and refuses to start on a
/// database that is behind, so a node never runs against a schema it does not know.
/// </summary>
public static class DatabaseMigrations
{
    /// <summary>The table in which databases made before versioned migrations were stamped.</summary>
    private const string LegacyStampTable = "__StepUpIdpSchema";

    /// <summary>Applies every pending migration (creating the database if needed) and names the ones applied.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(StepUpDbContext db, bool development, CancellationToken cancellationToken)
    {
        if (development && await HasLegacySchemaAsync(db, cancellationToken))
        {
            // A development database from before versioned migrations holds demo data only: start it afresh.
            await db.Database.EnsureDeletedAsync(cancellationToken);
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        return pending;
    }

    /// <summary>Throws, naming the command to run, when the database lacks migrations this version needs.</summary>
    public static async Task EnsureCurrentAsync(StepUpDbContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database lacks {pending.Count} schema migration(s) this version needs ({string.Join(", ", pending)}). " +
                "Back it up, then run the server with the 'migrate' command (for example 'StepUpIdp.Server migrate') before starting it.");
        }
    }

    private static async Task<bool> HasLegacySchemaAsync(StepUpDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Database.CanConnectAsync(cancellationToken) || (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any())
        {
            return false;
        }

        var sql = db.Database.IsNpgsql()
            ? $"SELECT COUNT(*)::int AS \"Value\" FROM information_schema.tables WHERE table_name = '{LegacyStampTable}'"
            : $"SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '{LegacyStampTable}'";
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync(cancellationToken) > 0;
    }
}
