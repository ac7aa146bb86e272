using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.TwoStep.TwoStepSteps;

namespace StepUpIdp.Server.Tests.TwoStep;

/// <summary>Authenticator codes guessed in parallel: the lock-out counts each before it is checked.</summary>
[Trait("Category", "Redis")]
public sealed class AuthenticatorLockoutConcurrencyTests : IAsyncLifetime
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
    public async Task Fifty_parallel_wrong_codes_get_at_most_nine_wrong_answers_then_locked_and_the_right_code_is_refused()
    {
        var (app, _) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var browser = new Browser { StopAt = Callback };
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        Assert.Equal("/account/verify-authenticator", verifyPage.Url.AbsolutePath);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            browser.SubmitAsync(verifyPage, new Dictionary<string, string> { ["Code"] = app.Code(steps: 100 + i) }, "#totp-form")));

        var errors = answers.Select(a => a.Text("#code-error") ?? string.Empty).ToList();
        Assert.Equal(9, errors.Count(e => e.Contains("isn't right", StringComparison.Ordinal)));
        Assert.Equal(41, errors.Count(e => e.Contains("paused", StringComparison.Ordinal)));
        var right = await browser.SubmitAsync(verifyPage, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form");
        Assert.Contains("paused", right.Text("#code-error"));
    }
}
