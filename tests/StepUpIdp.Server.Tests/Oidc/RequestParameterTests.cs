using System.Net;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Oidc;

/// <summary>
/// Parameters an app sends wrong are refused, not read as absent: a repeated parameter, a <c>max_age</c> that is not a
/// number of seconds, an <c>id_token_hint</c> that is not one of our ID tokens. One host for the class; dave signs in once.
/// </summary>
public sealed class RequestParameterTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:8765/callback");
    private readonly IdpHost _idp = shared.Host;
    private readonly Browser _dave = new(LoopbackAddresses.Next()) { StopAt = Callback };

    public async Task InitializeAsync()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        Assert.NotNull(CodeFlow.ReadCallback(await _dave.SignInAsync(await _dave.OpenAsync(flow.AuthorizeUri("openid")), "dave@acme.test")).Code);
    }

    public Task DisposeAsync()
    {
        _dave.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("state=again")]
    [InlineData("nonce=again")]
    [InlineData("scope=openid")]
    public async Task A_repeated_authorization_parameter_is_refused_not_dropped(string repeated)
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var page = await _dave.OpenAsync(flow.AuthorizeUri("openid", "prompt=none&" + repeated));
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Equal("invalid_request", page.Text("#oauth-error"));
        Assert.Contains($"'{repeated.Split('=')[0]}'", page.Text("#error-message"));
    }

    [Fact]
    public async Task A_repeated_token_parameter_is_refused()
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(_idp.Address, "connect/token"), new StringContent(
            "grant_type=client_credentials&client_id=demo-api&client_secret=demo-api-secret&scope=a&scope=b", System.Text.Encoding.ASCII,
            "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("1.5")]
    public async Task A_max_age_that_is_not_whole_seconds_goes_back_to_the_app_as_invalid_request(string maxAge)
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var (code, error, _) = CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid", "prompt=none&max_age=" + maxAge)));
        Assert.Null(code);
        Assert.Equal("invalid_request", error);
    }

    [Fact]
    public async Task A_max_age_beyond_any_session_is_no_constraint()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var (code, error, description) = CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid", "prompt=none&max_age=10000000000000")));
        Assert.True(code is not null, $"{error}: {description}");
    }

    [Fact]
    public async Task An_id_token_hint_that_is_not_ours_is_refused_at_authorize_and_at_sign_out()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var (code, _, _) = CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid")));
        var (_, tokens) = await flow.RedeemAsync(code!);
        var idToken = tokens.GetProperty("id_token").GetString()!;
        var forged = idToken[..^4] + (idToken[^4..] == "AAAA" ? "BBBB" : "AAAA");

        foreach (var hint in new[] { forged, "garbage", tokens.GetProperty("access_token").GetString()! })
        {
            var silent = new CodeFlow(_idp.Address, "demo-spa", Callback);
            var (refusedCode, error, _) = CodeFlow.ReadCallback(await _dave.OpenAsync(silent.AuthorizeUri("openid", "prompt=none&id_token_hint=" + hint)));
            Assert.Null(refusedCode);
            Assert.Equal("invalid_request", error);
        }

        var signOut = await _dave.OpenAsync(new Uri(_idp.Address,
            $"connect/endsession?id_token_hint={forged}&post_logout_redirect_uri={Uri.EscapeDataString("http://127.0.0.1:8765/")}&state=s"));
        Assert.Equal(HttpStatusCode.BadRequest, signOut.Status);
        Assert.Equal("invalid_request", signOut.Text("#oauth-error"));
        Assert.Equal("The application's sign-out request was not valid", signOut.Text("h1"));

        // The genuine hint still signs dave out silently, and the session is gone.
        var signedOut = await _dave.OpenAsync(new Uri(_idp.Address, $"connect/endsession?id_token_hint={idToken}"));
        Assert.Equal("/account/signed-out", signedOut.Url.AbsolutePath);
        Assert.Equal("login_required", CodeFlow.ReadCallback(await _dave.OpenAsync(new CodeFlow(_idp.Address, "demo-spa", Callback).AuthorizeUri("openid", "prompt=none"))).Error);
    }
}
