using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Passwords;

/// <summary>
/// "I forgot my password" (docs/admin-guide.md, "Passwords"): the page answers every address after the same work and
/// leaves the rest (lookup, link, audit, email) to a worker. One host for the class; each test has an account of its own.
/// </summary>
public sealed class ForgotPasswordTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();

    [Fact]
    public async Task The_page_answers_a_known_address_without_waiting_for_the_database_and_the_link_arrives_after()
    {
        var dave = $"dave-{Guid.NewGuid():N}@acme.test";
        await _idp.AddAccountAsync(dave);
        using var browser = new Browser(_from);
        var form = await browser.OpenAsync(new Uri(_idp.Address, "account/forgot-password"));

        // While the test holds the database's write lock, a request that looked the account up and stored its link
        // would wait for it; the page must answer without any of that.
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            await using var hold = await db.Database.BeginTransactionAsync();
            if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
            {
                await db.Database.ExecuteSqlRawAsync("""LOCK TABLE "PasswordLinks" IN EXCLUSIVE MODE""");
            }
            else
            {
                // SQLite: a write in the transaction takes the database's one write lock until it ends.
                await db.Database.ExecuteSqlRawAsync("""UPDATE "PasswordLinks" SET "UsedAt" = "UsedAt" WHERE 1 = 0""");
            }

            var answer = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = dave });
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.NotNull(answer.Text("#reset-sent"));
            await hold.RollbackAsync();
        }

        var message = await shared.Mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == dave), TimeSpan.FromSeconds(30));
        Assert.Matches(MailPatterns.SetPasswordLink(), message.TextBody ?? "");
    }
}
