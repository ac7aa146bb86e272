using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Verification;

/// <summary>
/// Emailed passcodes submitted at the same moment (docs/operations.md, "Concurrent changes"): a code verifies once,
/// every wrong try counts before the next is judged, and nobody gets a 500, on SQLite and on PostgreSQL
/// (STEPUPIDP_TEST_POSTGRES), with the embedded Redis or redis-server.
/// </summary>
[Trait("Category", "Redis")]
public sealed class PasscodeConcurrencyTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly SmtpSink _mail = shared.Mail;
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private OidcRelyingParty _app = null!;

    public async Task InitializeAsync() => _app = await shared.OnceAsync("acme-wiki", () => _idp.StartPublicAppAsync("acme-wiki", "acme", AppEnforcement.Enforced));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_passcode_sent_twenty_times_at_once_verifies_exactly_once()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki");
        using var browser = new Browser(_from);
        var (codePage, code) = await AskForCodeAsync(browser, email);

        var answers = await Burst.SubmitAsync(20, _ => browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#verify-form"));

        // One try verifies, and gives the browser a new cookie (docs/sessions.md). A try read before it finds the code
        // used. One read after it carries the cookie the verification replaced and counts as signed out: it goes back
        // through the authorization request (to the app with the new cookie, or to the sign-in page), or its form is
        // refused as out of date. Whatever the timing: one verification, and a readable answer, never a 5xx.
        Assert.Contains(answers, a => a.Url.Authority == _app.Address.Authority);
        Assert.All(answers, a => Assert.True((int)a.Status < 500, $"{a.Url}: {(int)a.Status}"));
        Assert.All(answers.Where(a => a.Url.Authority != _app.Address.Authority), a =>
            Assert.True(a.Url.AbsolutePath == "/account/signin" || a.Text("h1") == "This page is out of date"
                || (a.Text("#code-error") ?? "").Contains("already used", StringComparison.Ordinal), $"{a.Url}: {a.Text("h1")} {a.Text("#code-error")}"));
        Assert.Equal(1, await AuditedAsync(email, AuditActions.Verified, AuditOutcomes.Success));
    }

    [Fact]
    public async Task Twenty_wrong_passcodes_at_once_get_four_wrong_answers_then_the_code_is_discarded_and_the_right_one_is_refused()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki");
        using var browser = new Browser(_from);
        var (codePage, code) = await AskForCodeAsync(browser, email);
        var wrong = code == "000000" ? "111111" : "000000";

        // Twenty, with the sign-in, the send and the last try, stays under the 30 form posts a minute one address may make.
        var answers = await Burst.SubmitAsync(20, _ => browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = wrong }, "#verify-form"));

        var errors = answers.Select(a => a.Text("#code-error") ?? string.Empty).ToList();
        Assert.Equal(4, errors.Count(e => e.Contains("isn't right", StringComparison.Ordinal)));
        Assert.Equal(1, errors.Count(e => e.Contains("Too many wrong tries", StringComparison.Ordinal)));
        Assert.Equal(15, errors.Count(e => e.Contains("expired, was already used", StringComparison.Ordinal)));
        var right = await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#verify-form");
        Assert.Contains("Ask for a new code", right.Text("#code-error"));
        Assert.Equal(0, await AuditedAsync(email, AuditActions.Verified, AuditOutcomes.Success));
    }

    /// <summary>Signs in with the password and asks for an emailed code: the page to enter it on, and the code.</summary>
    private async Task<(Page CodePage, string Code)> AskForCodeAsync(Browser browser, string email) =>
        await browser.AskForEmailedCodeAsync(await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), email), _mail, email);

    private async Task<int> AuditedAsync(string email, string action, string outcome)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Email == email);
        return await db.AuditEntries.AsNoTracking().CountAsync(e => e.SubjectId == account.Id && e.Action == action && e.Outcome == outcome);
    }
}
