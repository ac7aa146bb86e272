using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>Accounts stored with an accented domain before addresses were canonical are rewritten once, at migration.</summary>
public sealed class CanonicalAddressesTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"stepupidp-addresses-{Guid.NewGuid():N}.db");

    private SqliteStepUpDbContext Open() =>
        new(new DbContextOptionsBuilder<SqliteStepUpDbContext>().UseSqlite($"Data Source={_file}").UseOpenIddict().Options);

    public async Task InitializeAsync()
    {
        await using var db = Open();
        await db.Database.MigrateAsync();
        // As the previous version stored them: the address as typed, the look-up key upper-cased.
        db.Accounts.AddRange(
            Legacy("a1", "p@Bücher.example"),
            Legacy("a2", "q@zürich.example"),
            Legacy("a3", "q@xn--zrich-kva.example"),
            Legacy("a4", "dave@acme.test"));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_accented_address_is_rewritten_unless_its_canonical_form_is_another_account()
    {
        await using (var db = Open())
        {
            var outcome = await CanonicalAddresses.RewriteAsync(db, CancellationToken.None);
            Assert.Equal(1, outcome.Rewritten);
            Assert.Equal(["a2"], outcome.ConflictingAccountIds);
        }

        await using var check = Open();
        var p = await check.Accounts.SingleAsync(a => a.Id == "a1");
        Assert.Equal(("p@xn--bcher-kva.example", "P@XN--BCHER-KVA.EXAMPLE"), (p.Email, p.NormalizedEmail));
        Assert.Equal("Q@ZÜRICH.EXAMPLE", (await check.Accounts.SingleAsync(a => a.Id == "a2")).NormalizedEmail);
        Assert.Equal(0, (await CanonicalAddresses.RewriteAsync(check, CancellationToken.None)).Rewritten);
    }

    private static Account Legacy(string id, string email) =>
        new() { Id = id, Email = email, NormalizedEmail = email.ToUpperInvariant(), Name = id, CreatedAt = DateTimeOffset.UnixEpoch };
}
