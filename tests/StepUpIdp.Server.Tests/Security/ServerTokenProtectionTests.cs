using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Security;

/// <summary>
/// Refresh tokens, read only by the IdP, are encrypted with AES key wrap (and HMAC-signed inside); access and ID tokens
/// stay RSA-signed with a key the JWKS publishes, and the JWKS publishes nothing secret (docs/performance.md).
/// </summary>
[Trait("Category", "Redis")]
public sealed class ServerTokenProtectionTests : IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "alice@acme.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task Refresh_tokens_are_symmetric_while_access_and_id_tokens_are_rsa_signed_with_a_published_key()
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var code = CodeFlow.ReadCallback(await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "alice@acme.test")).Code;
        Assert.NotNull(code);
        var (status, tokens) = await flow.RedeemAsync(code!);
        Assert.Equal(200, status);

        var refresh = Tokens.Read(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal("A256KW", refresh.Alg);
        Assert.Equal("A256CBC-HS512", refresh.Enc);

        using var http = new HttpClient();
        var jwks = JsonDocument.Parse(await http.GetStringAsync(new Uri(_idp.Address, ".well-known/jwks"))).RootElement.GetProperty("keys");
        Assert.All(jwks.EnumerateArray(), key => Assert.Equal("RSA", key.GetProperty("kty").GetString()));
        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, tokens.GetProperty("id_token").GetString()!, "acme-wiki");
        Assert.Equal("RS256", idToken.Alg);
        var accessToken = Tokens.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("RS256", accessToken.Alg);
        Assert.Equal(idToken.Kid, accessToken.Kid);

        var (refreshed, _) = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(200, refreshed);
    }
}
