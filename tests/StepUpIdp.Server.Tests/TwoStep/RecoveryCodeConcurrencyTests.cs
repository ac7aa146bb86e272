using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
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
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _idp = new IdpHost(clock: _clock, settings: new Dictionary<string, string?>
        {
            ["Idp:SessionLifetimeMinutes"] = "1440",
            ["Idp:SignInPostsPerMinutePerIp"] = "1000",
        });
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task One_recovery_code_sent_twenty_times_at_once_verifies_exactly_once()
    {
        var (_, codes) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var browser = new Browser { StopAt = Callback };
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        Assert.Equal("/account/verify-authenticator", verifyPage.Url.AbsolutePath);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            browser.SubmitAsync(verifyPage, new Dictionary<string, string> { ["RecoveryCode"] = codes[0] }, "#recovery-form")));

        Assert.All(answers, a => Assert.True((int)a.Status < 500, $"{(int)a.Status} at {a.Url}\n{a.Html}"));
        Assert.Single(answers, a => a.Url.AbsolutePath == Callback.AbsolutePath);
        // The others are told the code is used, or that verification is paused: every try counts toward the lock-out.
        Assert.All(answers.Where(a => a.Url.AbsolutePath != Callback.AbsolutePath), a => Assert.True(
            (a.Text("#recovery-error") ?? a.Text("#code-error") ?? string.Empty) is var error && (error.Contains("already used", StringComparison.Ordinal) || error.Contains("paused", StringComparison.Ordinal)),
            a.Html));
        var (used, audited) = await UsedAndAuditedAsync();
        Assert.Equal(1, used);
        Assert.Equal(1, audited);
    }

    [Fact]
    public async Task Ten_removals_at_once_each_with_its_own_recovery_code_remove_the_authenticator_once()
    {
        var (_, codes) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var browser = new Browser();
        var page = await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/authenticator")), "bob@partner.test");
        Assert.Equal("10", page.Text("#recovery-codes-left"));

        var answers = await Task.WhenAll(codes.Select(code => browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = code }, "#remove-form")));

        Assert.All(answers, a => Assert.True((int)a.Status < 500, $"{(int)a.Status} at {a.Url}\n{a.Html}"));
        Assert.Contains(answers, a => a.Text("#notice") is not null);
        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var bob = await db.Accounts.SingleAsync(a => a.Email == "bob@partner.test");
        Assert.False(await db.Set<AccountAuthenticator>().AnyAsync(a => a.AccountId == bob.Id));
        Assert.False(await db.Set<RecoveryCode>().AnyAsync(c => c.AccountId == bob.Id));
        var removals = await db.AuditEntries.AsNoTracking().CountAsync(e => e.SubjectId == bob.Id && e.Action == "totp.disabled" && e.Outcome == "success");
        // One line for each org bob's removal is audited in, once.
        var orgs = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectId == bob.Id && e.Action == "totp.enrolled").CountAsync();
        Assert.Equal(orgs, removals);
    }

    private async Task<(int Used, int Audited)> UsedAndAuditedAsync()
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var bob = await db.Accounts.SingleAsync(a => a.Email == "bob@partner.test");
        return (await db.Set<RecoveryCode>().CountAsync(c => c.AccountId == bob.Id && c.UsedAt != null),
            await db.AuditEntries.AsNoTracking().CountAsync(e => e.SubjectId == bob.Id && e.Action == "totp.recovery_code_used"));
    }
}
