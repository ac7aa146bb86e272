using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Verification;

/// <summary>
/// Periodic re-verification with the IdP's clock under the test's control: a
/// verification counts until <c>reverify_at</c> and not after, judged under the policy in force at the check.
/// </summary>
[Trait("Category", "Redis")]
public sealed class ReverificationTests : IAsyncLifetime
{
    private static readonly Uri Callback = AcmeWikiHost.Callback;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await AcmeWikiHost.StartAsync(["bob@partner.test"], _clock,
        new Dictionary<string, string?> { ["Idp:SessionLifetimeMinutes"] = "2880", ["Idp:SessionIdleMinutes"] = "2880" });

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    [Fact]
    public async Task Verification_counts_until_reverify_at_and_not_after()
    {
        using var browser = new Browser { StopAt = Callback };
        var tokens = await SignInAndVerifyAsync(browser);
        var reverifyAt = DateTimeOffset.FromUnixTimeSeconds(Tokens.Read(tokens.GetProperty("id_token").GetString()!).GetPayloadValue<long>("reverify_at"));

        _clock.SetUtcNow(reverifyAt.AddMinutes(-1));
        var flow = _wiki.NewFlow();
        var stillCounting = await browser.OpenAsync(flow.AuthorizeUri());
        Assert.NotNull(CodeFlow.ReadCallback(stillCounting).Code);

        _clock.SetUtcNow(reverifyAt);
        var due = await browser.OpenAsync(_wiki.NewFlow().AuthorizeUri());
        if (due.Url.AbsolutePath == "/account/signin")
        {
            due = await browser.SignInAsync(due, "bob@partner.test"); // the 24-hour session ended at the same moment
        }

        Assert.Equal("/account/verify", due.Url.AbsolutePath);
    }

    [Fact]
    public async Task Shortening_the_interval_makes_an_older_verification_stop_counting_at_once()
    {
        using var browser = new Browser { StopAt = Callback };
        await SignInAndVerifyAsync(browser);
        _clock.Advance(TimeSpan.FromHours(2));

        using var admin = await AdminClient.ForAsync(_wiki.Idp, "alice@acme.test");
        var put = await admin.PutAsJsonAsync("api/orgs/acme/external-policy", Policy(reverifyEvery: "PT1H"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        var next = await browser.OpenAsync(_wiki.NewFlow().AuthorizeUri());
        Assert.Equal("/account/verify", next.Url.AbsolutePath);

        // Lengthening it again does not revive the verification beyond the new window's end.
        await admin.PutAsJsonAsync("api/orgs/acme/external-policy", Policy(reverifyEvery: "P1D"));
        var counted = await browser.OpenAsync(_wiki.NewFlow().AuthorizeUri());
        Assert.NotNull(CodeFlow.ReadCallback(counted).Code);
    }

    [Fact]
    public async Task A_code_issued_before_the_interval_was_shortened_is_refused_at_the_token_endpoint()
    {
        using var browser = new Browser { StopAt = Callback };
        await SignInAndVerifyAsync(browser);
        _clock.Advance(TimeSpan.FromHours(2));
        var flow = _wiki.NewFlow();
        var code = CodeFlow.ReadCallback(await browser.OpenAsync(flow.AuthorizeUri())).Code;
        Assert.NotNull(code); // the two-hour-old passcode counts under P1D

        using var admin = await AdminClient.ForAsync(_wiki.Idp, "alice@acme.test");
        var put = await admin.PutAsJsonAsync("api/orgs/acme/external-policy", Policy(reverifyEvery: "PT1H"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var (status, body) = await flow.RedeemAsync(code);

        // Under the policy in force at the redemption it no longer counts: no tokens.
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Contains("Re-verification is due", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Refresh_works_while_the_verification_counts_and_fails_with_invalid_grant_after()
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = _wiki.NewFlow();
        var tokens = await SignInAndVerifyAsync(browser, flow);
        var reverifyAt = Tokens.Read(tokens.GetProperty("id_token").GetString()!).GetPayloadValue<long>("reverify_at");

        _clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(reverifyAt).AddMinutes(-5));
        var (status, refreshed) = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(200, status);
        // No access token outlives the verification: 5 minutes left, though access tokens normally live 15.
        Assert.True(Tokens.Read(refreshed.GetProperty("access_token").GetString()!).GetPayloadValue<long>("exp") <= reverifyAt);

        _clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(reverifyAt).AddSeconds(1));
        var (lateStatus, late) = await flow.RefreshAsync(refreshed.GetProperty("refresh_token").GetString()!);
        Assert.Equal(400, lateStatus);
        Assert.Equal("invalid_grant", late.GetProperty("error").GetString());
        Assert.Contains("Re-verification is due", late.GetProperty("error_description").GetString());
    }

    private async Task<System.Text.Json.JsonElement> SignInAndVerifyAsync(Browser browser, CodeFlow? flow = null)
    {
        flow ??= _wiki.NewFlow();
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        var callback = await browser.VerifyWithEmailedCodeAsync(verifyPage, _wiki.Mail, "bob@partner.test");
        var (code, error, description) = CodeFlow.ReadCallback(callback);
        Assert.True(code is not null, $"{error}: {description} at {callback.Url}");
        var (status, body) = await flow.RedeemAsync(code);
        Assert.Equal(200, status);
        return body;
    }

    private static object Policy(string reverifyEvery) => new
    {
        verification = "required",
        reverifyEvery,
        methods = new[] { "email_otp", "totp" },
        requireTwoStepVerification = false,
        apiTokens = "allow",
        apiTokenMaxLifetimeDays = 365,
    };
}
