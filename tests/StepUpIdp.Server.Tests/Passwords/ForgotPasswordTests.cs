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

    [Fact]
    public async Task Two_requests_within_30_seconds_send_one_email_and_answer_alike()
    {
        var dave = $"dave-{Guid.NewGuid():N}@acme.test";
        var marker = $"marker-{Guid.NewGuid():N}@acme.test";
        await _idp.AddAccountAsync(dave);
        await _idp.AddAccountAsync(marker);
        using var browser = new Browser(_from);

        var first = await RequestResetAsync(browser, dave);
        var second = await RequestResetAsync(browser, dave);
        Assert.Equal(first.Status, second.Status);
        Assert.Equal(first.Html, second.Html);

        // Requests are handled and mailed in order: once the marker's link is here, dave's requests are done.
        await RequestResetAsync(browser, marker);
        await shared.Mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == marker), TimeSpan.FromSeconds(30));
        Assert.Single(shared.Mail.Messages, m => m.To.Mailboxes.Any(b => b.Address == dave));
    }

    private async Task<Page> RequestResetAsync(Browser browser, string email)
    {
        var form = await browser.OpenAsync(new Uri(_idp.Address, "account/forgot-password"));
        return await browser.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = email });
    }
}
