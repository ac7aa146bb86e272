using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.RelyingParty;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing.Redis;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>
/// OIDC Back-Channel Logout 1.0 (docs/sessions.md): when a session ends, each app that got tokens from it and
/// registered a back-channel logout URI receives a signed logout token within 60 s, which the relying-party
/// library validates; the delivery is queued in Redis, so it survives the loss of the node that queued it.
/// </summary>
[Trait("Category", "Redis")]
public sealed class BackChannelLogoutTests
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Signing_out_sends_a_logout_token_the_app_validates()
    {
        await using var idp = new IdpHost();
        await using var app = await LogoutReceiver.StartAsync(idp.Address, "acme-wiki");
        await RegisterAsync(idp, app.LogoutUri);

        var (sid, sub) = await SignInAsync(idp, "alice@acme.test", signOut: true);

        Assert.True(await app.WaitForLogoutAsync(sid, Within), "No valid logout token arrived within 60 s.");
        Assert.False(await app.IsEndedAsync(Guid.NewGuid().ToString("N"), sub)); // only that session
    }

    [Fact]
    public async Task A_logout_queued_by_a_node_that_stopped_is_delivered_by_another()
    {
        await using var data = new TestDataFolder();
        var dataPath = data.Path;
        var port = LoopbackPorts.Free(); // the issuer is the address: the second node serves the same one
        using var redis = new RedisTestServer();
        var prefix = RedisTestServer.NewKeyPrefix();
        Dictionary<string, string?> Settings(bool worker) => new()
        {
            ["Redis:KeyPrefix"] = prefix,
            ["Idp:RunSessionWorker"] = worker ? "true" : "false",
        };

        LogoutReceiver app;
        string sid;
        await using (var first = new IdpHost(dataPath, redis: redis.Configuration, settings: Settings(worker: false), port: port))
        {
            app = await LogoutReceiver.StartAsync(first.Address, "acme-wiki");
            await RegisterAsync(first, app.LogoutUri);
            (sid, _) = await SignInAsync(first, "alice@acme.test", signOut: true);
        }

        await using (app)
        {
            Assert.False(await app.IsEndedAsync(sid, null)); // the first node never delivered it
            await using var second = new IdpHost(dataPath, redis: redis.Configuration, settings: Settings(worker: true), port: port);
            _ = second.Address; // start it
            Assert.True(await app.WaitForLogoutAsync(sid, Within), "The second node did not deliver the queued logout within 60 s.");
        }
    }

    private static async Task RegisterAsync(IdpHost idp, Uri logoutUri)
    {
        await idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await idp.GrantAsync("acme-wiki", "alice@acme.test", AppRole.User);
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        (await db.Apps.FindAsync("acme-wiki"))!.BackChannelLogoutUri = logoutUri.ToString();
        await db.SaveChangesAsync();
    }

    /// <summary>Signs in through the code flow (so the app gets tokens from the session), then signs out on the IdP.</summary>
    private static async Task<(string Sid, string Sub)> SignInAsync(IdpHost idp, string email, bool signOut)
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(idp.Address, "acme-wiki", Callback);
        var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), email);
        var (status, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!);
        Assert.Equal(200, status);
        var idToken = Tokens.Read(tokens.GetProperty("id_token").GetString()!);
        if (signOut)
        {
            var signOutPage = await browser.OpenAsync(new Uri(idp.Address, "account/signout"));
            var signedOut = await browser.SubmitAsync(signOutPage, new Dictionary<string, string>(), "#sign-out-form");
            Assert.Equal("/account/signed-out", signedOut.Url.AbsolutePath);
        }

        return (idToken.GetClaim("sid").Value, idToken.Subject);
    }

    /// <summary>A relying web app on loopback with the relying-party library's back-channel logout endpoint.</summary>
    private sealed class LogoutReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LogoutReceiver(WebApplication app, Uri address)
        {
            _app = app;
            LogoutUri = new Uri(address, "backchannel-logout");
        }

        public Uri LogoutUri { get; }

        public static async Task<LogoutReceiver> StartAsync(Uri idp, string clientId)
        {
            var builder = LoopbackApp.CreateBuilder();
            builder.Services.AddAuthentication(o =>
                {
                    o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                    o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
                })
                .AddCookie()
                .AddOpenIdConnect(o => o.UseTestIdp(idp, clientId));
            builder.Services.AddStepUpIdpWebApp();
            var app = builder.Build();
            app.MapStepUpIdpBackChannelLogout("/backchannel-logout");
            return new LogoutReceiver(app, await LoopbackApp.StartAsync(app));
        }

        /// <summary>What the library answers for a local session signed in with that sid (and sub).</summary>
        public Task<bool> IsEndedAsync(string sid, string? sub)
        {
            var claims = new List<Claim> { new("sid", sid) };
            if (sub is not null)
            {
                claims.Add(new Claim("sub", sub));
            }

            return _app.Services.GetRequiredService<BackChannelLogout>().IsEndedAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, "test")), default);
        }

        public async Task<bool> WaitForLogoutAsync(string sid, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            while (DateTime.UtcNow < deadline)
            {
                if (await IsEndedAsync(sid, null))
                {
                    return true;
                }

                await Task.Delay(250);
            }

            return false;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
