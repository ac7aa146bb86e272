using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Data.Registrations;

namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>Saving a registration moves the generation on; saving anything else does not; a transaction moves it again at commit.</summary>
public sealed class RegistrationChangeInterceptorTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"stepupidp-registrations-{Guid.NewGuid():N}.db");
    private readonly RegistrationGeneration _generation = new();

    private SqliteStepUpDbContext Open() => new(new DbContextOptionsBuilder<SqliteStepUpDbContext>()
        .UseSqlite($"Data Source={_file}").AddInterceptors(new RegistrationChangeInterceptor(_generation)).UseOpenIddict().Options);

    public async Task InitializeAsync()
    {
        await using var db = Open();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Saving_an_organisation_its_owned_policy_or_a_domain_moves_the_generation_on()
    {
        await using var db = Open();
        var before = _generation.Current;
        db.Organisations.Add(new Organisation { Id = "acme", Name = "Acme" });
        await db.SaveChangesAsync();
        Assert.True(_generation.Current > before);

        before = _generation.Current;
        var org = await db.Organisations.SingleAsync(o => o.Id == "acme");
        org.ExternalPolicy.ReverifyEverySeconds += 86400;
        await db.SaveChangesAsync();
        Assert.True(_generation.Current > before, "a change of the owned default policy is a change of the organisation");

        before = _generation.Current;
        db.OrganisationDomains.Add(new OrganisationDomain { OrganisationId = "acme", Domain = "acme.test" });
        await db.SaveChangesAsync();
        Assert.True(_generation.Current > before);
    }

    [Fact]
    public async Task Saving_something_else_leaves_it()
    {
        await using var db = Open();
        db.Organisations.Add(new Organisation { Id = "acme", Name = "Acme" });
        await db.SaveChangesAsync();
        var before = _generation.Current;

        db.AuditEntries.Add(new StepUpIdp.Infrastructure.Audit.AuditEntry { OrganisationId = "acme", Action = "test", Outcome = "ok", At = DateTimeOffset.UnixEpoch });
        await db.SaveChangesAsync();

        Assert.Equal(before, _generation.Current);
    }

    [Fact]
    public async Task A_change_in_a_transaction_moves_it_on_again_at_commit()
    {
        await using var db = Open();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Organisations.Add(new Organisation { Id = "acme", Name = "Acme" });
        await db.SaveChangesAsync();
        var afterSave = _generation.Current;

        await transaction.CommitAsync();

        Assert.True(_generation.Current > afterSave);
    }
}
