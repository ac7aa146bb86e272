using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Tests.Audit;

/// <summary>
/// Audit lines written by many requests at once (<see cref="AuditGroupCommit"/>): each is stored once, and is stored
/// by the time its write returns; a line that cannot be stored fails its own write only; a line written with the
/// caller's unsaved changes, or inside its transaction, commits or rolls back with them.
/// </summary>
public sealed class AuditGroupCommitTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"stepupidp-audit-{Guid.NewGuid():N}");
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var services = new ServiceCollection();
        services.AddStepUpDatabase(new ConfigurationBuilder().Build(), _folder);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AuditGroupCommit>();
        services.AddHttpContextAccessor(); // as the host registers it: AuditLog reads the request's client address
        services.AddScoped<AuditLog>();
        _services = services.BuildServiceProvider();
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<StepUpDbContext>().Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Lines_written_at_once_are_each_stored_once_and_readable_when_their_write_returns()
    {
        const int writers = 64;
        var unreadable = await Task.WhenAll(Enumerable.Range(0, writers).Select(async i =>
        {
            await Task.Yield();
            await using (var scope = _services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<AuditLog>().WriteAsync(Line($"line {i}"), CancellationToken.None);
            }

            return await CountAsync($"line {i}") == 1 ? null : $"line {i}";
        }));

        Assert.Empty(unreadable.OfType<string>());
        Assert.Equal(writers, await CountAsync(detail: null));
    }

    [Fact]
    public async Task A_line_that_cannot_be_stored_fails_its_own_write_and_no_other()
    {
        // Another writer holds SQLite's write lock, so the first line's commit waits and the rest queue up behind it:
        // they go in one batch together when the lock is let go.
        await using var holder = new SqliteConnection($"Data Source={Path.Combine(_folder, "stepupidp.db")}");
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        var first = WriteAsync(Line("first"));
        var good = Enumerable.Range(0, 30).Select(i => WriteAsync(Line($"good {i}"))).ToList();
        var bad = WriteAsync(Line("bad") with { OrganisationId = null! }); // NOT NULL: the database refuses it
        good.AddRange(Enumerable.Range(30, 30).Select(i => WriteAsync(Line($"good {i}"))));
        var queue = _services.GetRequiredService<AuditGroupCommit>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (queue.Queued < 61 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(61, queue.Queued);
        await using (var commit = holder.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }

        await first;
        await Task.WhenAll(good);
        await Assert.ThrowsAsync<DbUpdateException>(() => bad);
        Assert.Equal(61, await CountAsync(detail: null));
        Assert.Equal(0, await CountAsync("bad"));
    }

    [Fact]
    public async Task A_line_written_with_unsaved_changes_is_saved_with_them_and_one_in_a_rolled_back_transaction_is_not()
    {
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            db.Organisations.Add(new Organisation { Id = "acme", Name = "Acme" });
            await scope.ServiceProvider.GetRequiredService<AuditLog>().WriteAsync(Line("with the organisation"), CancellationToken.None);
        }

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await scope.ServiceProvider.GetRequiredService<AuditLog>().WriteAsync(Line("rolled back"), CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await using var check = _services.CreateAsyncScope();
        Assert.True(await check.ServiceProvider.GetRequiredService<StepUpDbContext>().Organisations.AnyAsync(o => o.Id == "acme"));
        Assert.Equal(1, await CountAsync("with the organisation"));
        Assert.Equal(0, await CountAsync("rolled back"));
    }

    private static AuditEvent Line(string detail) => new("acme", "test.written", "success", Detail: detail);

    private async Task WriteAsync(AuditEvent line)
    {
        await Task.Yield(); // SQLite's calls block the caller: every write on a thread of its own
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuditLog>().WriteAsync(line, CancellationToken.None);
    }

    private async Task<int> CountAsync(string? detail)
    {
        await using var scope = _services.CreateAsyncScope();
        var entries = scope.ServiceProvider.GetRequiredService<StepUpDbContext>().AuditEntries.AsNoTracking();
        return await (detail is null ? entries.Where(e => e.Action == "test.written") : entries.Where(e => e.Detail == detail)).CountAsync();
    }
}
