using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>
/// A compiled query serves every context of one database provider with one compilation, and a context of another
/// provider with its own: EF Core refuses to run one compilation against another provider's model.
/// </summary>
public sealed class PerModelCompiledQueryTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"stepupidp-compiled-{Guid.NewGuid():N}.db");

    private SqliteStepUpDbContext OpenSqlite() =>
        new(new DbContextOptionsBuilder<SqliteStepUpDbContext>().UseSqlite($"Data Source={_file}").UseOpenIddict().Options);

    // Only its model is used: nothing connects to this address.
    private static PostgresStepUpDbContext OpenPostgres() =>
        new(new DbContextOptionsBuilder<PostgresStepUpDbContext>().UseNpgsql("Host=127.0.0.1;Port=1;Username=none").UseOpenIddict().Options);

    private static PerModelCompiledQuery<Func<StepUpDbContext, string, CancellationToken, Task<Organisation?>>> NewQuery() =>
        new(() => EF.CompileAsyncQuery((StepUpDbContext db, string id, CancellationToken _) =>
            db.Organisations.AsNoTracking().SingleOrDefault(o => o.Id == id)));

    public async Task InitializeAsync()
    {
        await using var db = OpenSqlite();
        await db.Database.MigrateAsync();
        db.Organisations.Add(new Organisation { Id = "acme", Name = "Acme" });
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task One_compilation_per_provider_each_answering_for_its_own_contexts()
    {
        var query = NewQuery();
        await using var first = OpenSqlite();
        await using var second = OpenSqlite();
        await using var postgres = OpenPostgres();

        var forSqlite = query.For(first);
        Assert.Same(forSqlite, query.For(second));
        Assert.NotSame(forSqlite, query.For(postgres));
        Assert.Equal("Acme", (await forSqlite(second, "acme", default))?.Name);
        Assert.Null(await forSqlite(second, "globex", default));

        // The reason for one compilation per model: EF Core refuses to run a compilation against another model.
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await forSqlite(postgres, "acme", default));
    }
}
