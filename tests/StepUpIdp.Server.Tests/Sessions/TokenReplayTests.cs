using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>
/// A code or refresh token presented again is treated as stolen (OAuth 2.1, RFC 9700 4.14): the replay fails and so
/// does every token of that sign-in, the rightful holder's included (docs/sessions.md, "Replayed codes and refresh tokens").
/// </summary>
[Trait("Category", "Redis")]
public sealed class TokenReplayTests : IAsyncLifetime
{
    private static readonly Uri Callback = AcmeWikiHost.Callback;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await AcmeWikiHost.StartAsync(["alice@acme.test"], _clock);

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    private async Task<(CodeFlow Flow, string Code)> SignInAsync()
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = _wiki.NewFlow();
        var code = CodeFlow.ReadCallback(await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "alice@acme.test")).Code;
        Assert.NotNull(code);
        return (flow, code!);
    }

    [Fact]
    public async Task A_reused_authorization_code_fails_and_revokes_the_tokens_issued_from_it()
    {
        var (flow, code) = await SignInAsync();
        var (status, tokens) = await flow.RedeemAsync(code);
        Assert.Equal(200, status);

        var (again, error) = await flow.RedeemAsync(code);

        Assert.Equal(400, again);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        var (refreshed, _) = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(400, refreshed);
    }

    [Fact]
    public async Task A_reused_authorization_code_also_stops_the_first_access_token_at_userinfo_and_the_idps_api()
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = _wiki.NewFlow();
        var code = CodeFlow.ReadCallback(await browser.SignInAsync(
            await browser.OpenAsync(flow.AuthorizeUri("openid offline_access stepup.api_tokens")), "alice@acme.test")).Code!;
        var (_, tokens) = await flow.RedeemAsync(code);
        using var api = new HttpClient { BaseAddress = _wiki.Idp.Address };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tokens.GetProperty("access_token").GetString());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("api/me/api-tokens")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("connect/userinfo")).StatusCode);

        Assert.Equal(400, (await flow.RedeemAsync(code)).Status);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.GetAsync("connect/userinfo")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await api.GetAsync("api/me/api-tokens")).StatusCode);

        // A new sign-in of the same app in the same browser is not affected.
        var again = _wiki.NewFlow();
        var (status, _) = await again.RedeemAsync(CodeFlow.ReadCallback(await browser.OpenAsync(again.AuthorizeUri())).Code!);
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task A_rotated_refresh_token_presented_after_the_leeway_fails_and_ends_the_new_one_too()
    {
        var (flow, code) = await SignInAsync();
        var (_, tokens) = await flow.RedeemAsync(code);
        var first = tokens.GetProperty("refresh_token").GetString()!;
        var (status, rotated) = await flow.RefreshAsync(first);
        Assert.Equal(200, status);
        var second = rotated.GetProperty("refresh_token").GetString()!;

        // Within 30 s the old token still answers, for an app that sent two refreshes at once; after that it is a replay.
        _clock.Advance(TimeSpan.FromSeconds(31));
        var (replayed, error) = await flow.RefreshAsync(first);

        Assert.Equal(400, replayed);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        var (afterReplay, _) = await flow.RefreshAsync(second);
        Assert.Equal(400, afterReplay);
    }
}
