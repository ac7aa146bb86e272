using System.Net;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Verification;

/// <summary>
/// While Redis cannot be reached, external users get a clear "temporarily unavailable"
/// answer, internal users still sign in, and when Redis is back verification works again without a restart.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RedisOutageTests : IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");
    private readonly RedisTestServer _redis = new();
    private TcpProxy _link = null!;
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _link = new TcpProxy(_redis.Configuration);
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail, redis: _link.Endpoint);
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
        await _idp.GrantAsync("acme-wiki", "alice@acme.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _idp.DisposeAsync();
        await _link.DisposeAsync();
        await _mail.DisposeAsync();
        _redis.Dispose();
    }

    [SingleRedisServerFact]
    public async Task External_users_are_told_verification_is_unavailable_internal_users_sign_in_and_it_recovers_by_itself()
    {
        using var bob = new Browser { StopAt = Callback };
        var bobSignIn = await bob.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri());

        _link.Cut();

        var unavailable = await bob.SignInAsync(bobSignIn, "bob@partner.test");
        Assert.Equal("/account/verification-unavailable", unavailable.Url.AbsolutePath);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.NotNull(unavailable.Text("#unavailable"));
        // An external user's page says which organisation asks for the code, and for what.
        Assert.Contains("Acme asks for a one-time code", unavailable.Text("#why"));
        Assert.Contains("acme-wiki", unavailable.Text("#why"));

        using var alice = new Browser { StopAt = Callback };
        var aliceCallback = await alice.SignInAsync(await alice.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "alice@acme.test");
        Assert.NotNull(CodeFlow.ReadCallback(aliceCallback).Code);

        _link.Restore();

        // "Try again" goes back to the same authorization request; the IdP reconnects on its own. The session made
        // during the outage was an offline one, which proves nothing once Redis is back: bob signs in again.
        var retry = unavailable.Document.QuerySelector("#retry")!.GetAttribute("href")!;
        var signInAgain = await RetryUntilAsync(() => bob.OpenAsync(new Uri(_idp.Address, retry)), page => page.Url.AbsolutePath == "/account/signin");
        var verifyPage = await bob.SignInAsync(signInAgain, "bob@partner.test");
        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        var callback = await bob.VerifyWithEmailedCodeAsync(verifyPage, _mail, "bob@partner.test");
        Assert.NotNull(CodeFlow.ReadCallback(callback).Code);
    }

    [SingleRedisServerFact]
    public async Task A_signed_in_persons_api_call_with_the_browser_session_says_verification_is_unavailable_not_sign_in()
    {
        using var alice = new Browser();
        await alice.SignInAsync(await alice.OpenAsync(new Uri(_idp.Address, "account/signin")), "alice@acme.test");
        Assert.Equal(HttpStatusCode.OK, (await alice.OpenAsync(new Uri(_idp.Address, "api/me/api-tokens?org=acme"))).Status);

        _link.Cut();

        var tokens = await alice.OpenAsync(new Uri(_idp.Address, "api/me/api-tokens?org=acme"));
        var rules = await alice.OpenAsync(new Uri(_idp.Address, "api/orgs/acme/api-token-rules"));

        foreach (var answer in new[] { tokens, rules })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.Equal("application/problem+json", answer.MediaType);
            Assert.Contains("https://stepupidp.dev/problems/verification-unavailable", answer.Html, StringComparison.Ordinal);
        }

        _link.Restore();
        var back = await RetryUntilAsync(() => alice.OpenAsync(new Uri(_idp.Address, "api/me/api-tokens?org=acme")), page => page.Status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, back.Status); // the cookie was kept for when Redis is back
    }

    /// <summary>
    /// The client reconnects within a second or two of Redis coming back; ask again until it has, for at most 30 seconds
    /// (a busy machine), and return the last page for the test to assert on.
    /// </summary>
    private static async Task<Page> RetryUntilAsync(Func<Task<Page>> open, Func<Page, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var page = await open();
        while (!done(page) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            page = await open();
        }

        return page;
    }
}
