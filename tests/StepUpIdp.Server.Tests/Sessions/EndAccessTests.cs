using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>An org admin ends an external user's access (docs/sessions.md): refresh tokens fail, and the next authorization asks for a sign-in and a passcode.</summary>
[Trait("Category", "Redis")]
public sealed class EndAccessTests : IAsyncLifetime
{
    private static readonly Uri Callback = AcmeWikiHost.Callback;
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await AcmeWikiHost.StartAsync(["bob@partner.test"]);

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    [Fact]
    public async Task After_end_access_the_refresh_token_fails_and_the_next_authorization_asks_for_sign_in_and_a_passcode()
    {
        using var bob = new Browser { StopAt = Callback };
        var flow = _wiki.NewFlow();
        var verifyPage = await bob.SignInAsync(await bob.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        var (status, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(await bob.VerifyWithEmailedCodeAsync(verifyPage, _wiki.Mail, "bob@partner.test")).Code!);
        Assert.Equal(200, status);
        var idToken = Tokens.Read(tokens.GetProperty("id_token").GetString()!);
        Assert.False(string.IsNullOrEmpty(idToken.GetClaim("sid").Value));
        // External users' access tokens are short-lived (Idp:ExternalAccessTokenLifetimeMinutes, 5).
        var access = Tokens.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.True(access.ValidTo - access.IssuedAt <= TimeSpan.FromMinutes(5));

        using var admin = await AdminClient.ForAsync(_wiki.Idp, "alice@acme.test");
        var users = await admin.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-users");
        var bobEntry = users.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("email").GetString() == "bob@partner.test");
        Assert.Equal("verified", bobEntry.GetProperty("status").GetString());
        Assert.Equal(1, bobEntry.GetProperty("verifiedSessions").GetInt32());

        var ended = await admin.PostAsync($"api/orgs/acme/external-users/{idToken.Subject}/end-access", null);
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);

        var (refreshStatus, refused) = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(400, refreshStatus);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());

        var next = await bob.OpenAsync(_wiki.NewFlow().AuthorizeUri());
        Assert.Equal("/account/signin", next.Url.AbsolutePath);
        Assert.Equal("/account/verify", (await bob.SignInAsync(next, "bob@partner.test")).Url.AbsolutePath);

        var audit = await admin.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "session.access_ended");
    }

    [Fact]
    public async Task End_access_for_someone_outside_the_org_is_not_found()
    {
        using var admin = await AdminClient.ForAsync(_wiki.Idp, "alice@acme.test");
        var answer = await admin.PostAsync("api/orgs/acme/external-users/no-such-account/end-access", null);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }
}
