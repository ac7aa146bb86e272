using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Tests.Data;

public sealed class SchemaGuardTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"schema-guard-{Guid.NewGuid():N}.db");

    private StepUpDbContext Open() =>
        new(new DbContextOptionsBuilder<StepUpDbContext>().UseSqlite($"Data Source={_file}").UseOpenIddict().Options);

    [Fact]
    public async Task A_matching_schema_keeps_its_data()
    {
        await using (var db = Open())
        {
            await SchemaGuard.EnsureSchemaAsync(db, recreateWhenOutdated: true, CancellationToken.None);
            db.Organisations.Add(new Organisation { Id = "acme", Name = "Acme" });
            await db.SaveChangesAsync();
        }

        await using var again = Open();
        await SchemaGuard.EnsureSchemaAsync(again, recreateWhenOutdated: false, CancellationToken.None);
        Assert.True(await again.Organisations.AnyAsync(o => o.Id == "acme"));
    }

    [Fact]
    public async Task An_outdated_schema_stops_start_up_outside_development_and_is_recreated_in_development()
    {
        await using (var db = Open())
        {
            await SchemaGuard.EnsureSchemaAsync(db, recreateWhenOutdated: true, CancellationToken.None);
            db.Organisations.Add(new Organisation { Id = "acme", Name = "Acme" });
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("UPDATE \"__StepUpIdpSchema\" SET \"Hash\" = 'older'");
        }

        await using (var production = Open())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                SchemaGuard.EnsureSchemaAsync(production, recreateWhenOutdated: false, CancellationToken.None));
            Assert.Contains("schema", error.Message);
            Assert.True(await production.Organisations.AnyAsync(), "nothing is deleted when start-up is refused");
        }

        await using var development = Open();
        await SchemaGuard.EnsureSchemaAsync(development, recreateWhenOutdated: true, CancellationToken.None);
        Assert.False(await development.Organisations.AnyAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
