using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// Creates the schema on first start and stamps it with a hash of the model. When the code's model no
/// longer matches the stamped schema, Development (demo data only) recreates the database, and every
/// other environment refuses to start with a clear message, instead of failing later on a missing table.
/// </summary>
public static class SchemaGuard
{
    private const string StampTable = "__StepUpIdpSchema";

    public static async Task EnsureSchemaAsync(StepUpDbContext db, bool recreateWhenOutdated, CancellationToken cancellationToken)
    {
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(db.Database.GenerateCreateScript())));
        if (await db.Database.EnsureCreatedAsync(cancellationToken))
        {
            await StampAsync(db, expected, cancellationToken);
            return;
        }

        await db.Database.ExecuteSqlRawAsync($"CREATE TABLE IF NOT EXISTS \"{StampTable}\" (\"Hash\" varchar(64) NOT NULL)", cancellationToken);
        var stamped = await db.Database.SqlQueryRaw<string>($"SELECT \"Hash\" AS \"Value\" FROM \"{StampTable}\"").ToListAsync(cancellationToken);
        if (stamped.Count == 1 && stamped[0] == expected)
        {
            return;
        }

        if (!recreateWhenOutdated)
        {
            throw new InvalidOperationException(
                "The database schema does not match this version of StepUpIdp. Back up the database and upgrade its schema before starting this version.");
        }

        await db.Database.EnsureDeletedAsync(cancellationToken);
        await db.Database.EnsureCreatedAsync(cancellationToken);
        await StampAsync(db, expected, cancellationToken);
    }

    private static async Task StampAsync(StepUpDbContext db, string hash, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync($"CREATE TABLE IF NOT EXISTS \"{StampTable}\" (\"Hash\" varchar(64) NOT NULL)", cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"DELETE FROM \"{StampTable}\"", cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO \"{StampTable}\" (\"Hash\") VALUES ({{0}})", [hash], cancellationToken);
    }
}
