using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.TwoStep.TwoStepSteps;

namespace StepUpIdp.Server.Tests.TwoStep;

/// <summary>Authenticator codes guessed in parallel: the lock-out counts each before it is checked.</summary>
[Trait("Category", "Redis")]
public sealed class AuthenticatorLockoutConcurrencyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = NewClock();
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await StartBurstHostAsync(_clock);

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    [Fact]
    public async Task Fifty_parallel_wrong_codes_get_at_most_nine_wrong_answers_then_locked_and_the_right_code_is_refused()
    {
        using var browser = new Browser { StopAt = Callback };
        var (verifyPage, app, _) = await EnrolThenSignInToWikiAsync(_wiki, _clock, browser, "bob@partner.test");

        var answers = await Burst.SubmitAsync(50, i =>
            browser.SubmitAsync(verifyPage, new Dictionary<string, string> { ["Code"] = app.Code(steps: 100 + i) }, "#totp-form"));

        var errors = answers.Select(a => a.Text("#code-error") ?? string.Empty).ToList();
        Assert.Equal(9, errors.Count(e => e.Contains("isn't right", StringComparison.Ordinal)));
        Assert.Equal(41, errors.Count(e => e.Contains("paused", StringComparison.Ordinal)));
        var right = await browser.SubmitAsync(verifyPage, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form");
        Assert.Contains("paused", right.Text("#code-error"));
    }
}
