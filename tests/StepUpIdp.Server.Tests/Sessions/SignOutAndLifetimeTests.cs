using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>
/// RP-initiated logout cannot be forged by another site, and a session ends at its idle timeout and at its absolute
/// lifetime, told by the IdP's clock (docs/sessions.md).
/// </summary>
[Trait("Category", "Redis")]
public sealed class SignOutAndLifetimeTests : IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");
    private static readonly Uri AfterLogout = new("http://127.0.0.1:9/wiki/callback-signed-out");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _idp = new IdpHost(clock: _clock, settings: new Dictionary<string, string?>
        {
            ["Idp:SessionLifetimeMinutes"] = "480",
            ["Idp:SessionIdleMinutes"] = "30",
        });
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.AllowPostLogoutRedirectAsync("acme-wiki", AfterLogout);
        await _idp.GrantAsync("acme-wiki", "alice@acme.test", AppRole.User);
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task A_logout_link_from_another_site_without_a_hint_does_not_end_the_session()
    {
        using var alice = await SignedInAsync();

        var forged = await alice.OpenAsync(new Uri(_idp.Address, "connect/endsession?post_logout_redirect_uri=" + Uri.EscapeDataString(AfterLogout.ToString())));
        Assert.Equal("/account/end-session", forged.Url.AbsolutePath);
        Assert.NotNull(forged.Document.QuerySelector("#end-session-form"));
        Assert.True(await StillSignedInAsync(alice));

        // Confirming on the IdP's own page ends it, and goes back to the registered address.
        var confirmed = await alice.SubmitAsync(forged, new Dictionary<string, string>(), "#end-session-form");
        Assert.StartsWith(AfterLogout.ToString(), confirmed.Url.ToString());
        Assert.False(await StillSignedInAsync(alice));
    }

    [Fact]
    public async Task A_hint_for_the_signed_in_account_signs_out_without_asking_and_one_for_another_account_is_refused()
    {
        using var alice = await SignedInAsync();
        var aliceToken = await IdTokenAsync(alice);

        using var dave = new Browser { StopAt = Callback };
        await _idp.GrantAsync("acme-wiki", "dave@acme.test", AppRole.User);
        await dave.SignInAsync(await dave.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "dave@acme.test");

        var refused = await dave.OpenAsync(new Uri(_idp.Address, "connect/endsession?id_token_hint=" + aliceToken));
        Assert.Equal("/account/end-session", refused.Url.AbsolutePath);
        Assert.NotNull(refused.Document.QuerySelector("#mismatch"));
        Assert.True(await StillSignedInAsync(dave));

        var signedOut = await alice.OpenAsync(new Uri(_idp.Address, "connect/endsession?id_token_hint=" + aliceToken
            + "&post_logout_redirect_uri=" + Uri.EscapeDataString(AfterLogout.ToString())));
        Assert.StartsWith(AfterLogout.ToString(), signedOut.Url.ToString());
        Assert.False(await StillSignedInAsync(alice));
    }

    [Fact]
    public async Task An_unused_session_ends_at_its_idle_timeout()
    {
        using var alice = await SignedInAsync();

        _clock.Advance(TimeSpan.FromMinutes(29));
        Assert.True(await StillSignedInAsync(alice)); // a use restarts the idle clock

        _clock.Advance(TimeSpan.FromMinutes(29));
        Assert.True(await StillSignedInAsync(alice));

        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.False(await StillSignedInAsync(alice));
    }

    [Fact]
    public async Task A_session_in_use_ends_at_its_absolute_lifetime()
    {
        using var alice = await SignedInAsync();

        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(460); elapsed += TimeSpan.FromMinutes(20))
        {
            _clock.Advance(TimeSpan.FromMinutes(20));
            Assert.True(await StillSignedInAsync(alice), $"ended after {elapsed + TimeSpan.FromMinutes(20)}");
        }

        _clock.Advance(TimeSpan.FromMinutes(20)); // 480 minutes after the sign-in
        Assert.False(await StillSignedInAsync(alice));
    }

    private async Task<Browser> SignedInAsync()
    {
        var browser = new Browser { StopAt = Callback };
        var callback = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "alice@acme.test");
        Assert.NotNull(CodeFlow.ReadCallback(callback).Code);
        return browser;
    }

    /// <summary>An authorization request goes straight back to the app only with a live session.</summary>
    private async Task<bool> StillSignedInAsync(Browser browser)
    {
        var page = await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri());
        return CodeFlow.ReadCallback(page).Code is not null;
    }

    private async Task<string> IdTokenAsync(Browser browser)
    {
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var (status, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(await browser.OpenAsync(flow.AuthorizeUri())).Code!);
        Assert.Equal(200, status);
        return tokens.GetProperty("id_token").GetString()!;
    }
}
