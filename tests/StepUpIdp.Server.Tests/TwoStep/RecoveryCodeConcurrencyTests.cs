using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.TwoStep.TwoStepSteps;

namespace StepUpIdp.Server.Tests.TwoStep;

/// <summary>
/// Recovery codes presented at the same moment (docs/operations.md, "Concurrent changes"): a code works once, an
/// authenticator is removed once, and nobody gets a 500, on SQLite and on PostgreSQL (STEPUPIDP_TEST_POSTGRES).
/// </summary>
[Trait("Category", "Redis")]
public sealed class RecoveryCodeConcurrencyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = NewClock();
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await StartBurstHostAsync(_clock);

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    [Fact]
    public async Task One_recovery_code_sent_twenty_times_at_once_verifies_exactly_once()
    {
        using var browser = new Browser { StopAt = Callback };
        var (verifyPage, _, codes) = await EnrolThenSignInToWikiAsync(_wiki, _clock, browser, "bob@partner.test");

        var answers = await Burst.SubmitAsync(20, _ =>
            browser.SubmitAsync(verifyPage, new Dictionary<string, string> { ["RecoveryCode"] = codes[0] }, "#recovery-form"));

        Assert.Contains(answers, a => a.Url.AbsolutePath == Callback.AbsolutePath);
        // The others are told the code is used, or that verification is paused: every try counts toward the lock-out. A try
        // read after the verification carries the cookie it replaced (docs/sessions.md): it counts as signed out, so its form
        // is out of date or it goes back through the authorization request (to the app with the new cookie, or to sign-in).
        Assert.All(answers.Where(a => a.Url.AbsolutePath != Callback.AbsolutePath), a => Assert.True(
            a.Url.AbsolutePath == "/account/signin" || a.Text("h1") == "This page is out of date"
            || (a.Text("#recovery-error") ?? a.Text("#code-error") ?? string.Empty) is var error && (error.Contains("already used", StringComparison.Ordinal) || error.Contains("paused", StringComparison.Ordinal)),
            a.Html));
        var (used, audited) = await UsedAndAuditedAsync();
        Assert.Equal(1, used);
        Assert.Equal(1, audited);
    }

    [Fact]
    public async Task Ten_removals_at_once_each_with_its_own_recovery_code_remove_the_authenticator_once()
    {
        var (_, codes) = await EnrolOnOwnPageAsync(_wiki.Idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var browser = new Browser();
        var page = await browser.SignInAsync(await browser.OpenAsync(new Uri(_wiki.Idp.Address, "account/authenticator")), "bob@partner.test");
        Assert.Equal("10", page.Text("#recovery-codes-left"));

        var answers = await Burst.SubmitAsync(codes.Count, i => browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = codes[i] }, "#remove-form"));

        Assert.Contains(answers, a => a.Text("#notice") is not null);
        await using var scope = _wiki.Idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var bob = await db.Accounts.SingleAsync(a => a.Email == "bob@partner.test");
        Assert.False(await db.Set<AccountAuthenticator>().AnyAsync(a => a.AccountId == bob.Id));
        Assert.False(await db.Set<RecoveryCode>().AnyAsync(c => c.AccountId == bob.Id));
        var removals = await db.AuditEntries.AsNoTracking().CountAsync(e => e.SubjectId == bob.Id && e.Action == "totp.disabled" && e.Outcome == "success");
        // One line for each org bob's removal is audited in, once.
        var orgs = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == bob.Id && e.Action == "totp.enrolled").CountAsync();
        Assert.True(orgs > 0, "bob's enrolment was audited in no org");
        Assert.Equal(orgs, removals);
    }

    private async Task<(int Used, int Audited)> UsedAndAuditedAsync()
    {
        await using var scope = _wiki.Idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var bob = await db.Accounts.SingleAsync(a => a.Email == "bob@partner.test");
        return (await db.Set<RecoveryCode>().CountAsync(c => c.AccountId == bob.Id && c.UsedAt != null),
            await db.AuditEntries.AsNoTracking().CountAsync(e => e.SubjectId == bob.Id && e.Action == "totp.recovery_code_used"));
    }
}
