using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// Discovery, the JWKS, introspection, revocation and end-session as a relying party and a resource server use them. One
/// host for the class; each test signs in with a browser and a session of its own.
/// </summary>
public sealed class ProtocolEndpointsTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/portal/callback");
    private static readonly Uri SignedOut = new("http://127.0.0.1:9/portal/signed-out");
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();

    public async Task InitializeAsync() => await shared.OnceAsync("acme-portal", async () =>
    {
        await _idp.RegisterPublicAppAsync("acme-portal", "acme", Callback, AppEnforcement.Exempt);
        await _idp.GrantAsync("acme-portal", "alice@acme.test", AppRole.Admin);
        return "registered";
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Discovery_lists_the_acr_values_weakest_first_and_the_custom_claims()
    {
        using var http = new HttpClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(_idp.Address, ".well-known/openid-configuration"));

        Assert.Equal(["urn:stepupidp:acr:basic", "urn:stepupidp:acr:otp", "urn:stepupidp:acr:2sv"],
            discovery.GetProperty("acr_values_supported").EnumerateArray().Select(v => v.GetString()));
        var claims = discovery.GetProperty("claims_supported").EnumerateArray().Select(v => v.GetString()).ToList();
        foreach (var claim in new[] { "org", "user_type", "role", "guest", "spaces", "acr", "amr", "auth_time", "verified_at", "reverify_at", "sid" })
        {
            Assert.Contains(claim, claims);
        }

        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Discovery_advertises_only_the_prompt_values_the_sign_in_honours()
    {
        using var http = new HttpClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(_idp.Address, ".well-known/openid-configuration"));

        Assert.Equal(["login", "none"], discovery.GetProperty("prompt_values_supported").EnumerateArray().Select(v => v.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Discovery_advertises_only_the_client_authentication_an_app_can_use_and_a_client_assertion_is_refused()
    {
        using var http = new HttpClient();
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(_idp.Address, ".well-known/openid-configuration"));
        foreach (var endpoint in new[] { "token", "introspection", "revocation" })
        {
            Assert.Equal(["client_secret_basic", "client_secret_post"],
                discovery.GetProperty(endpoint + "_endpoint_auth_methods_supported").EnumerateArray().Select(v => v.GetString()).Order(StringComparer.Ordinal));
        }

        // No app can register a key set, so a private_key_jwt assertion is not a way in, whatever it says.
        var response = await http.PostAsync(new Uri(_idp.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "demo-api",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJkZW1vLWFwaSJ9.c2lnbmF0dXJl",
        }));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_client", error.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("demo-api", "demo-api-secret", "demo-spa", System.Net.HttpStatusCode.BadRequest)]
    [InlineData("demo-api", "demo-api-secret", "demo-api", System.Net.HttpStatusCode.OK)]
    [InlineData("demo%2Dapi", "demo%2Dapi%2Dsecret", "demo-api", System.Net.HttpStatusCode.OK)] // RFC 6749 2.3.1: form-URL-encoded first
    public async Task A_basic_authenticated_request_speaks_for_one_client(string id, string secret, string bodyClientId, System.Net.HttpStatusCode expected)
    {
        using var http = new HttpClient();
        foreach (var path in new[] { "connect/token", "connect/introspect", "connect/revoke" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_idp.Address, path))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials", ["client_id"] = bodyClientId, ["token"] = "not-a-token",
                }),
            };
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{id}:{secret}")));
            using var response = await http.SendAsync(request);
            Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (expected == System.Net.HttpStatusCode.BadRequest)
            {
                using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal("invalid_request", error.RootElement.GetProperty("error").GetString());
            }
        }
    }

    [Fact]
    public async Task A_confidential_client_introspects_its_token_and_a_revoked_refresh_token_stops_working()
    {
        using var issued = await Tokens.PostFormAsync(new Uri(_idp.Address, "connect/token"), new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "demo-api",
            ["client_secret"] = "demo-api-secret",
        });
        using var introspection = await Tokens.PostFormAsync(new Uri(_idp.Address, "connect/introspect"), new Dictionary<string, string>
        {
            ["client_id"] = "demo-api",
            ["client_secret"] = "demo-api-secret",
            ["token"] = issued.RootElement.GetProperty("access_token").GetString()!,
        });
        Assert.True(introspection.RootElement.GetProperty("active").GetBoolean());

        var flow = new CodeFlow(_idp.Address, "acme-portal", Callback);
        using var browser = new Browser(_from) { StopAt = Callback };
        var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "alice@acme.test");
        var (_, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!);
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;
        using var http = new HttpClient();
        var revoke = await http.PostAsync(new Uri(_idp.Address, "connect/revoke"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "acme-portal",
            ["token"] = refreshToken,
            ["token_type_hint"] = "refresh_token",
        }));
        Assert.True(revoke.IsSuccessStatusCode);

        var (status, refused) = await flow.RefreshAsync(refreshToken);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());

        // A token introspection does not judge (an ID token) is inactive to the caller (RFC 7662 section 2.2), not an error.
        var idToken = await http.PostAsync(new Uri(_idp.Address, "connect/introspect"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "demo-api", ["client_secret"] = "demo-api-secret", ["token"] = tokens.GetProperty("id_token").GetString()!,
        }));
        Assert.Equal(System.Net.HttpStatusCode.OK, idToken.StatusCode);
        using var inactive = JsonDocument.Parse(await idToken.Content.ReadAsStringAsync());
        Assert.Equal(["active"], inactive.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.False(inactive.RootElement.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task End_session_ends_the_idp_session_so_the_next_sign_in_asks_for_the_password()
    {
        using var browser = new Browser(_from) { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-portal", Callback);
        var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "alice@acme.test");
        var (_, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!);

        var signedOut = await browser.OpenAsync(new Uri(_idp.Address,
            "connect/endsession?id_token_hint=" + Uri.EscapeDataString(tokens.GetProperty("id_token").GetString()!)));
        Assert.Equal("/account/signed-out", signedOut.Url.AbsolutePath);

        var next = await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-portal", Callback).AuthorizeUri());
        Assert.Equal("/account/signin", next.Url.AbsolutePath);
    }

    /// <summary>
    /// Refresh tokens, read only by the IdP, are encrypted with AES key wrap (and HMAC-signed inside); access and ID tokens
    /// stay RSA-signed with a key the JWKS publishes, and the JWKS publishes nothing secret (docs/performance.md).
    /// </summary>
    [Fact]
    public async Task Refresh_tokens_are_symmetric_while_access_and_id_tokens_are_rsa_signed_with_a_published_key()
    {
        using var browser = new Browser(_from) { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-portal", Callback);
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
        Assert.All(jwks.EnumerateArray(), key => Assert.False(key.TryGetProperty("d", out _), "a private key in the JWKS")); // RFC 7518 6.3.2
        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, tokens.GetProperty("id_token").GetString()!, "acme-portal");
        Assert.Equal("RS256", idToken.Alg);
        var accessToken = Tokens.Read(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("RS256", accessToken.Alg);
        Assert.Equal(idToken.Kid, accessToken.Kid);

        var (refreshed, _) = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(200, refreshed);
    }
}
