using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>
/// A database made by the first migration, with data in it, upgrades to the latest schema with nothing lost.
/// The data goes in as plain SQL, the way that version wrote it, and comes back through today's model.
/// </summary>
public sealed class MigrationUpgradeTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task A_sqlite_database_from_the_first_migration_upgrades_with_its_data()
    {
        var file = Path.Combine(Path.GetTempPath(), $"stepupidp-upgrade-{Guid.NewGuid():N}.db");
        try
        {
            await UpgradeAndCheckAsync(() => new SqliteStepUpDbContext(
                new DbContextOptionsBuilder<SqliteStepUpDbContext>().UseSqlite($"Data Source={file}").UseOpenIddict().Options));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [PostgresFact]
    [Trait("Category", "Postgres")]
    public async Task A_postgres_database_from_the_first_migration_upgrades_with_its_data()
    {
        var server = Environment.GetEnvironmentVariable(PostgresFactAttribute.ServerVariable);
        var connection = $"{server};Database=stepupidp_upgrade_{Guid.NewGuid():N}";
        PostgresStepUpDbContext Open() => new(
            new DbContextOptionsBuilder<PostgresStepUpDbContext>().UseNpgsql(connection).UseOpenIddict().Options);
        try
        {
            await UpgradeAndCheckAsync(Open);
        }
        finally
        {
            await using var db = Open();
            await db.Database.EnsureDeletedAsync();
        }
    }

    [Fact]
    public void Each_provider_has_migrations_that_match_the_model()
    {
        foreach (var db in new StepUpDbContext[] { new SqliteDesignTimeFactory().CreateDbContext([]), new PostgresDesignTimeFactory().CreateDbContext([]) })
        {
            using (db)
            {
                Assert.NotEmpty(db.Database.GetMigrations());
                Assert.False(db.Database.HasPendingModelChanges(), $"{db.GetType().Name}: the model changed without a migration (dotnet ef migrations add).");
            }
        }
    }

    private static async Task UpgradeAndCheckAsync(Func<StepUpDbContext> open)
    {
        await using (var first = open())
        {
            var migrations = first.Database.GetMigrations().ToList();
            await first.GetService<IMigrator>().MigrateAsync(migrations[0]);
            await InsertFirstVersionDataAsync(first);
        }

        await using (var latest = open())
        {
            var applied = await DatabaseMigrations.MigrateAsync(latest, development: false, CancellationToken.None);
            Assert.Equal(latest.Database.GetMigrations().Skip(1), applied);
            await DatabaseMigrations.EnsureCurrentAsync(latest, CancellationToken.None);
        }

        await using var db = open();
        var org = await db.Organisations.Include(o => o.VerifiedDomains).SingleAsync();
        Assert.Equal(("acme", "Acme", Created), (org.Id, org.Name, org.CreatedAt));
        Assert.Equal("acme.test", Assert.Single(org.VerifiedDomains).Domain);
        Assert.Equal(TimeSpan.FromDays(1), org.ExternalPolicy.ToPolicy().ReverifyEvery);

        var account = await db.Accounts.SingleAsync();
        Assert.Equal(("alice@acme.test", "Alice", "hash", true), (account.Email, account.Name, account.PasswordHash, account.EmailVerified));
        var member = await db.OrganisationMembers.SingleAsync();
        Assert.True(member.IsAdmin);

        var app = await db.Apps.Include(a => a.Spaces).SingleAsync();
        Assert.Equal(("portal", AppEnforcement.Enforced, "https://portal.acme.test/logout"), (app.ClientId, app.Enforcement, app.BackChannelLogoutUri));
        Assert.Equal("eng", Assert.Single(app.Spaces).Key);
        Assert.Equal(AppRole.Admin, (await db.RoleGrants.SingleAsync()).Role);
    }

    private static async Task InsertFirstVersionDataAsync(StepUpDbContext db)
    {
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Organisations" ("Id", "Name", "ExternalPolicy_Verification", "ExternalPolicy_ReverifyEverySeconds",
                "ExternalPolicy_Methods", "ExternalPolicy_RequireTwoStepVerification", "ExternalPolicy_ApiTokens",
                "ExternalPolicy_ApiTokenMaxLifetimeDays", "CreatedAt")
            VALUES ('acme', 'Acme', 'Required', 86400, 'email_otp', {0}, 'Allow', 30, {1})
            """, false, Created);
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "OrganisationDomains" ("OrganisationId", "Domain") VALUES ('acme', 'acme.test')""");
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Accounts" ("Id", "Email", "NormalizedEmail", "Name", "PasswordHash", "EmailVerified", "FailedPasswordAttempts", "CreatedAt")
            VALUES ('a1', 'alice@acme.test', 'alice@acme.test', 'Alice', 'hash', {0}, 0, {1})
            """, true, Created);
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "OrganisationMembers" ("OrganisationId", "AccountId", "IsAdmin") VALUES ('acme', 'a1', {0})""", true);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Apps" ("ClientId", "OrganisationId", "Name", "Enforcement", "BackChannelLogoutUri")
            VALUES ('portal', 'acme', 'Portal', 'Enforced', 'https://portal.acme.test/logout')
            """);
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "AppSpaces" ("AppClientId", "Key") VALUES ('portal', 'eng')""");
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "RoleGrants" ("AppClientId", "AccountId", "Role") VALUES ('portal', 'a1', 'Admin')""");
    }
}
