using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing.Redis;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// A restart keeps accounts, apps, signing keys and (in Redis, which outlives the IdP process) sign-in sessions:
/// tokens issued before it still validate after it, and refresh tokens still work.
/// </summary>
public sealed class RestartTests
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/portal/callback");

    [Fact]
    public async Task Tokens_accounts_and_apps_survive_a_restart()
    {
        await using var data = new TestDataFolder();
        var dataPath = data.Path;
        var port = LoopbackPorts.Free(); // the issuer is the address: the restarted IdP comes back at the same one
        string idToken, accessToken, refreshToken;
        Uri issuer;
        using var redis = new RedisTestServer();
        var sharedRedis = new Dictionary<string, string?> { ["Redis:KeyPrefix"] = RedisTestServer.NewKeyPrefix() };

        await using (var before = new IdpHost(dataPath, redis: redis.Configuration, settings: sharedRedis, port: port))
        {
            issuer = before.Address;
            await before.RegisterPublicAppAsync("acme-portal", "acme", Callback, AppEnforcement.Exempt);
            await before.GrantAsync("acme-portal", "alice@acme.test", AppRole.Admin);
            var flow = new CodeFlow(issuer, "acme-portal", Callback);
            using var browser = new Browser { StopAt = Callback };
            var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "alice@acme.test");
            var (_, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!);
            (idToken, accessToken, refreshToken) = (tokens.GetProperty("id_token").GetString()!, tokens.GetProperty("access_token").GetString()!,
                tokens.GetProperty("refresh_token").GetString()!);
        }

        await using var after = new IdpHost(dataPath, redis: redis.Configuration, settings: sharedRedis, port: port);
        var afterIssuer = after.Address;

        // Same signing key: the old ID token validates against the restarted IdP's JWKS.
        Assert.Equal(issuer, afterIssuer);
        await Tokens.ValidateIdTokenAsync(afterIssuer, idToken, "acme-portal");

        // The old access token is accepted by the userinfo endpoint of the restarted IdP.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        var userinfo = await http.GetFromJsonAsync<JsonElement>(new Uri(afterIssuer, "connect/userinfo"));
        Assert.Equal("acme", userinfo.GetProperty("org").GetString());

        // The old refresh token still works, and the account still signs in with its password.
        var (status, _) = await new CodeFlow(afterIssuer, "acme-portal", Callback).RefreshAsync(refreshToken);
        Assert.Equal(200, status);
        using var browser2 = new Browser { StopAt = Callback };
        var flow2 = new CodeFlow(afterIssuer, "acme-portal", Callback);
        var again = await browser2.SignInAsync(await browser2.OpenAsync(flow2.AuthorizeUri()), "alice@acme.test");
        Assert.NotNull(CodeFlow.ReadCallback(again).Code);
    }
}
