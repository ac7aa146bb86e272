using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>An org admin ends an external user's access (docs/sessions.md): refresh tokens fail, and the next authorization asks for a sign-in and a passcode.</summary>
[Trait("Category", "Redis")]
public sealed class EndAccessTests : IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task After_end_access_the_refresh_token_fails_and_the_next_authorization_asks_for_sign_in_and_a_passcode()
    {
        using var bob = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verifyPage = await bob.SignInAsync(await bob.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        var (status, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(await bob.VerifyWithEmailedCodeAsync(verifyPage, _mail, "bob@partner.test")).Code!);
        Assert.Equal(200, status);
        var idToken = Tokens.Read(tokens.GetProperty("id_token").GetString()!);
        Assert.False(string.IsNullOrEmpty(idToken.GetClaim("sid").Value));
        // External users' access tokens are short-lived (Idp:ExternalAccessTokenLifetimeMinutes, 5).
        var access = Tokens.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.True(access.ValidTo - access.IssuedAt <= TimeSpan.FromMinutes(5));

        using var admin = await AdminClient.ForAsync(_idp, "alice@acme.test");
        var users = await admin.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-users");
        var bobEntry = users.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("email").GetString() == "bob@partner.test");
        Assert.Equal("verified", bobEntry.GetProperty("status").GetString());
        Assert.Equal(1, bobEntry.GetProperty("verifiedSessions").GetInt32());

        var ended = await admin.PostAsync($"api/orgs/acme/external-users/{idToken.Subject}/end-access", null);
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);

        var (refreshStatus, refused) = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(400, refreshStatus);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());

        var next = await bob.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri());
        Assert.Equal("/account/signin", next.Url.AbsolutePath);
        Assert.Equal("/account/verify", (await bob.SignInAsync(next, "bob@partner.test")).Url.AbsolutePath);

        var audit = await admin.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "session.access_ended");
    }

    [Fact]
    public async Task End_access_for_someone_outside_the_org_is_not_found()
    {
        using var admin = await AdminClient.ForAsync(_idp, "alice@acme.test");
        var answer = await admin.PostAsync("api/orgs/acme/external-users/no-such-account/end-access", null);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }
}
