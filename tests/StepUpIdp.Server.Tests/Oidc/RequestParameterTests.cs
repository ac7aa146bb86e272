using System.Net;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Oidc;

/// <summary>
/// Parameters an app sends wrong are refused, not read as absent: a repeated parameter, a <c>max_age</c> that is not a
/// number of seconds, an <c>id_token_hint</c> that is not one of our ID tokens, PKCE values of the wrong shape; and a token
/// gets what its scopes say. One host for the class; dave signs in once.
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
        var (code, error, description) = CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid", "prompt=none&" + repeated)));
        Assert.Null(code);
        Assert.Equal("invalid_request", error);
        Assert.Contains($"'{repeated.Split('=')[0]}'", description);
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

    [Fact]
    public async Task Pkce_values_of_the_wrong_shape_are_refused()
    {
        var challengeOfShort = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData("short"u8.ToArray()));
        var authorize = $"connect/authorize?client_id=demo-spa&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(Callback.ToString())}&code_challenge_method=S256";

        var badChallenge = await _dave.OpenAsync(new Uri(_idp.Address, authorize + "&code_challenge=abc"));
        Assert.Equal("invalid_request", CodeFlow.ReadCallback(badChallenge).Error);

        // A verifier too short to be secret: its challenge has the right shape, the verifier itself is refused.
        var code = CodeFlow.ReadCallback(await _dave.OpenAsync(new Uri(_idp.Address, authorize + "&code_challenge=" + challengeOfShort))).Code!;
        var (status, body) = await new CodeFlow(_idp.Address, "demo-spa", Callback).RedeemAsync(code, verifier: "short");
        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Userinfo_answers_only_for_an_openid_sign_in()
    {
        using var http = new HttpClient();
        var machine = await http.PostAsync(new Uri(_idp.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "demo-api", ["client_secret"] = "demo-api-secret",
        }));
        var token = JsonDocument.Parse(await machine.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        using var userinfo = new HttpRequestMessage(HttpMethod.Get, new Uri(_idp.Address, "connect/userinfo"));
        userinfo.Headers.Authorization = new("Bearer", token);
        using var refused = await http.SendAsync(userinfo);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("insufficient_scope", refused.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("offline_access")]
    [InlineData("profile")]
    public async Task A_client_credentials_request_for_a_scope_of_a_person_or_one_not_permitted_is_invalid_scope(string scope)
    {
        // openid would otherwise bring an ID token about the client itself, and a token userinfo answers for.
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(_idp.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "demo-api", ["client_secret"] = "demo-api-secret", ["scope"] = scope,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_scope", body.RootElement.GetProperty("error").GetString());
        Assert.False(body.RootElement.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task Userinfo_answers_a_post_with_the_token_in_the_header_and_no_body()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var (_, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid"))).Code!);
        var accessToken = tokens.GetProperty("access_token").GetString();
        var subject = Tokens.Read(tokens.GetProperty("id_token").GetString()!).Subject;

        using var http = new HttpClient();
        using var bodyless = new HttpRequestMessage(HttpMethod.Post, new Uri(_idp.Address, "connect/userinfo"));
        bodyless.Headers.Authorization = new("Bearer", accessToken);
        using var answer = await http.SendAsync(bodyless);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var claims = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal(subject, claims.RootElement.GetProperty("sub").GetString());

        // A body that is not a form is still refused.
        using var json = new HttpRequestMessage(HttpMethod.Post, new Uri(_idp.Address, "connect/userinfo")) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        json.Headers.Authorization = new("Bearer", accessToken);
        using var refused = await http.SendAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Userinfo_refuses_an_access_token_sent_both_in_the_header_and_in_the_body()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var (_, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid"))).Code!);
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        using var http = new HttpClient();
        using var twice = new HttpRequestMessage(HttpMethod.Post, new Uri(_idp.Address, "connect/userinfo"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = accessToken }),
        };
        twice.Headers.Authorization = new("Bearer", accessToken);
        using var refused = await http.SendAsync(twice);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("error=\"invalid_request\"", refused.Headers.WwwAuthenticate.ToString()); // RFC 6750 section 3.1

        // Either way alone is answered.
        using var inBody = await http.PostAsync(new Uri(_idp.Address, "connect/userinfo"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = accessToken }));
        Assert.Equal(HttpStatusCode.OK, inBody.StatusCode);
    }

    [Fact]
    public async Task A_refresh_for_fewer_scopes_gets_tokens_for_those_scopes_only_and_keeps_the_rest_for_later()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var code = CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid profile email offline_access stepup.api_tokens"))).Code!;
        var (_, first) = await flow.RedeemAsync(code);
        Assert.Contains("urn:stepupidp:api", Tokens.Read(first.GetProperty("access_token").GetString()!).Audiences);

        using var http = new HttpClient();
        var narrowed = JsonDocument.Parse(await (await http.PostAsync(new Uri(_idp.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "demo-spa", ["refresh_token"] = first.GetProperty("refresh_token").GetString()!, ["scope"] = "openid",
        }))).Content.ReadAsStringAsync()).RootElement;
        var access = Tokens.Read(narrowed.GetProperty("access_token").GetString()!);
        Assert.Equal(["demo-spa"], access.Audiences);
        Assert.False(access.TryGetClaim("email", out _));
        Assert.False(Tokens.Read(narrowed.GetProperty("id_token").GetString()!).TryGetClaim("name", out _));

        // The refresh token keeps what was granted (RFC 6749 section 6): the next refresh without a scope gets it all back.
        var (_, full) = await flow.RefreshAsync(narrowed.GetProperty("refresh_token").GetString()!);
        Assert.Contains("urn:stepupidp:api", Tokens.Read(full.GetProperty("access_token").GetString()!).Audiences);
    }

    [Fact]
    public async Task A_refresh_asking_for_a_scope_it_was_not_granted_is_invalid_scope_and_the_refresh_token_still_works()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        var code = CodeFlow.ReadCallback(await _dave.OpenAsync(flow.AuthorizeUri("openid offline_access"))).Code!;
        var (_, first) = await flow.RedeemAsync(code);
        var refreshToken = first.GetProperty("refresh_token").GetString()!;

        using var http = new HttpClient();
        using var widened = await http.PostAsync(new Uri(_idp.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "demo-spa", ["refresh_token"] = refreshToken, ["scope"] = "openid email",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, widened.StatusCode);
        using var error = JsonDocument.Parse(await widened.Content.ReadAsStringAsync());
        Assert.Equal("invalid_scope", error.RootElement.GetProperty("error").GetString()); // RFC 6749 sections 5.2 and 6

        var (status, _) = await flow.RefreshAsync(refreshToken);
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task The_form_post_answer_may_run_its_own_submit_script()
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = _dave.Cookies });
        using var answer = await http.GetAsync(flow.AuthorizeUri("openid", "response_mode=form_post"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains(Callback.ToString(), await answer.Content.ReadAsStringAsync());
        var policy = answer.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("script-src", policy);
    }

    [Theory]
    [InlineData("response_type=token", "unsupported_response_type")]
    [InlineData("scope=openid%20root", "invalid_scope")]
    [InlineData("scope=openid%20directory.read", "invalid_scope")]
    [InlineData("request=eyJhbGciOiJub25lIn0.e30.", "request_not_supported")]
    [InlineData("request_uri=https%3A%2F%2F127.0.0.1%3A8765%2Frequest", "request_uri_not_supported")]
    [InlineData("registration=%7B%22client_name%22%3A%22x%22%7D", "registration_not_supported")]
    public async Task An_error_found_in_checking_the_request_goes_back_to_the_app_with_its_state(string change, string expected)
    {
        var query = $"client_id=demo-spa&redirect_uri={Uri.EscapeDataString(Callback.ToString())}&response_type=code&scope=openid&state=s1"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        var name = change.Split('=')[0];
        query = string.Join('&', query.Split('&').Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal))) + "&" + change;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var answer = await http.GetAsync(new Uri(_idp.Address, "connect/authorize?" + query));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.Equal(Callback.GetLeftPart(UriPartial.Path), location.GetLeftPart(UriPartial.Path));
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query + location.Fragment.Replace('#', '&'));
        Assert.Equal(expected, parameters["error"].ToString());
        Assert.Equal("s1", parameters["state"].ToString());
    }

    [Theory]
    [InlineData("prompt=none")]
    [InlineData("max_age=soon")]
    public async Task An_error_the_idp_decides_carries_no_error_uri_about_another_error(string change)
    {
        var flow = new CodeFlow(_idp.Address, "demo-spa", Callback);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }); // no session: login_required
        using var answer = await http.GetAsync(flow.AuthorizeUri("openid", change));

        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Headers.Location!.Query);
        Assert.True(parameters.ContainsKey("error"), answer.Headers.Location.ToString());
        // OpenIddict put the page of "The authorization was denied by the end user" here.
        Assert.False(parameters.ContainsKey("error_uri"), answer.Headers.Location.ToString());
    }

    [Theory]
    [InlineData("client_id=nope&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback")]
    [InlineData("client_id=demo-spa&redirect_uri=https%3A%2F%2Fevil.example%2Fcallback")]
    [InlineData("client_id=demo-spa&client_id=demo-api&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback")]
    public async Task An_error_with_a_client_or_redirect_uri_that_do_not_belong_together_stays_on_the_idps_page(string client)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var answer = await http.GetAsync(new Uri(_idp.Address, $"connect/authorize?{client}&response_type=token&scope=openid&state=s1"));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Null(answer.Headers.Location);
    }
}
