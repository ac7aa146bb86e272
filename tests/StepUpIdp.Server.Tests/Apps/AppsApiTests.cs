using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Apps;

/// <summary>
/// Apps registered and changed over the admin API work at once over OAuth; secrets rotate without downtime. One host
/// for the class, alice signed in once; each test registers apps of its own (client ids no other test uses).
/// </summary>
public sealed class AppsApiTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/portal/callback");
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private HttpClient _alice = null!;

    public async Task InitializeAsync() => _alice = await shared.OnceAsync("alice", () => AdminClient.ForAsync(_idp, "alice@acme.test", from: _from));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_registered_public_app_signs_people_in_and_a_changed_redirect_uri_takes_effect_at_once()
    {
        var created = await _alice.PostAsJsonAsync("api/orgs/acme/apps", new
        {
            clientId = "portal", name = "Portal", type = "public", redirectUris = new[] { Callback.AbsoluteUri },
            allowedOrigins = new[] { "http://127.0.0.1:9" }, backChannelLogoutUri = "http://127.0.0.1:9/portal/bc", spaces = new[] { "eng" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var app = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("portal", "public", "enforced"), (app.GetProperty("clientId").GetString(), app.GetProperty("type").GetString(), app.GetProperty("enforcement").GetString()));
        Assert.Equal("http://127.0.0.1:9/portal/bc", app.GetProperty("backChannelLogoutUri").GetString());
        Assert.Equal(JsonValueKind.Null, app.GetProperty("clientSecret").ValueKind);
        await _idp.GrantAsync("portal", "dave@acme.test", AppRole.User);

        using (var browser = new Browser(_from) { StopAt = Callback })
        {
            var flow = new CodeFlow(_idp.Address, "portal", Callback);
            var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "dave@acme.test");
            Assert.Equal(200, (await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!)).Status);
        }

        var moved = new Uri("http://127.0.0.1:9/portal/v2/callback");
        var changed = await _alice.PutAsJsonAsync("api/orgs/acme/apps/portal", new { name = "Portal 2", redirectUris = new[] { moved.AbsoluteUri }, spaces = new[] { "eng", "ops" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var after = await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/apps/portal");
        Assert.Equal(["eng", "ops"], after.GetProperty("spaces").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("backChannelLogoutUri").ValueKind);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var old = await http.GetAsync(new CodeFlow(_idp.Address, "portal", Callback).AuthorizeUri());
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        var fresh = await http.GetAsync(new CodeFlow(_idp.Address, "portal", moved).AuthorizeUri());
        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
    }

    [Fact]
    public async Task A_confidential_apps_secret_is_shown_once_and_rotates_without_downtime()
    {
        var created = await _alice.PostAsJsonAsync("api/orgs/acme/apps", new { clientId = "reports", name = "Reports", type = "confidential" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        Assert.Equal(200, await ClientCredentialsAsync("reports", first));
        Assert.Equal(401, await ClientCredentialsAsync("reports", first[..^1] + (first[^1] == 'A' ? 'B' : 'A')));
        var listed = await _alice.GetStringAsync("api/orgs/acme/apps/reports");
        Assert.DoesNotContain(first, listed);

        var added = await _alice.PostAsJsonAsync("api/orgs/acme/apps/reports/secrets", new { expiresAt = DateTimeOffset.UtcNow.AddDays(90) });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var second = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.Equal(200, await ClientCredentialsAsync("reports", first));
        Assert.Equal(200, await ClientCredentialsAsync("reports", second));

        var third = await _alice.PostAsync("api/orgs/acme/apps/reports/secrets", null);
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Equal("https://stepupidp.dev/problems/too-many-secrets", (await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var firstId = first[..32];
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/acme/apps/reports/secrets/{firstId}")).StatusCode);
        Assert.Equal(401, await ClientCredentialsAsync("reports", first));
        Assert.Equal(200, await ClientCredentialsAsync("reports", second));

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync("api/orgs/acme/apps/reports")).StatusCode);
        Assert.Equal(401, await ClientCredentialsAsync("reports", second));
        var audit = await _alice.GetStringAsync("api/orgs/acme/audit");
        foreach (var action in new[] { "app.registered", "app.secret_added", "app.secret_deleted", "app.deleted" })
        {
            Assert.Contains(action, audit);
        }
    }

    [Fact]
    public async Task Bad_fields_are_named_and_nothing_is_written()
    {
        var response = await _alice.PostAsJsonAsync("api/orgs/acme/apps", new
        {
            clientId = "broken", name = "Broken", type = "public",
            redirectUris = new[] { "https://broken.example/callback#fragment" },
            allowedOrigins = new[] { "https://broken.example/app" },
            backChannelLogoutUri = "https://broken.example/bc#x",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["allowedOrigins", "backChannelLogoutUri", "redirectUris"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync("api/orgs/acme/apps/broken")).StatusCode);

        var duplicate = await _alice.PostAsJsonAsync("api/orgs/acme/apps", new { clientId = "demo-spa", name = "Again", type = "public", redirectUris = new[] { Callback.AbsoluteUri } });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var retype = await _alice.PutAsJsonAsync("api/orgs/acme/apps/demo-spa", new { name = "Demo SPA", type = "confidential", redirectUris = new[] { Callback.AbsoluteUri } });
        Assert.Equal(HttpStatusCode.BadRequest, retype.StatusCode);
    }

    [Fact]
    public async Task The_app_an_admin_token_was_issued_to_is_not_deleted_with_that_token()
    {
        var refused = await _alice.DeleteAsync("api/orgs/acme/apps/acme-admin-console");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("your admin token was issued to", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync("api/orgs/acme/apps/acme-admin-console")).StatusCode);
    }

    [Fact]
    public async Task Protocol_endpoints_answer_cors_for_registered_origins_only()
    {
        var created = await _alice.PostAsJsonAsync("api/orgs/acme/apps", new
        {
            clientId = "spa", name = "SPA", type = "public", redirectUris = new[] { "https://spa.acme.example/callback" },
            allowedOrigins = new[] { "https://spa.acme.example" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var http = new HttpClient();

        foreach (var path in new[] { ".well-known/openid-configuration", ".well-known/jwks" })
        {
            Assert.Equal("https://spa.acme.example", await AllowedOriginAsync(http, HttpMethod.Get, path, "https://spa.acme.example"));
            Assert.Null(await AllowedOriginAsync(http, HttpMethod.Get, path, "https://evil.example"));
        }

        Assert.Equal("https://spa.acme.example", await AllowedOriginAsync(http, HttpMethod.Options, "connect/token", "https://spa.acme.example"));
        Assert.Null(await AllowedOriginAsync(http, HttpMethod.Options, "connect/token", "https://spa.acme.example.evil.example"));
        Assert.Null(await AllowedOriginAsync(http, HttpMethod.Get, "api/orgs/acme/apps", "https://spa.acme.example"));

        // Removing the origin withdraws it at once.
        await _alice.PutAsJsonAsync("api/orgs/acme/apps/spa", new { name = "SPA", redirectUris = new[] { "https://spa.acme.example/callback" } });
        Assert.Null(await AllowedOriginAsync(http, HttpMethod.Get, ".well-known/jwks", "https://spa.acme.example"));
    }

    [Fact]
    public async Task A_call_that_speaks_for_an_app_gets_cors_only_for_that_apps_origins()
    {
        foreach (var (clientId, origin) in new[] { ("spa-one", "https://one.acme.example"), ("spa-two", "https://two.acme.example") })
        {
            var created = await _alice.PostAsJsonAsync("api/orgs/acme/apps", new
            {
                clientId, name = clientId, type = "public", redirectUris = new[] { $"{origin}/callback" }, allowedOrigins = new[] { origin },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var http = new HttpClient();
        FormUrlEncodedContent Redeem(string clientId) => new(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["code"] = "not-a-code",
            ["redirect_uri"] = "https://one.acme.example/callback", ["code_verifier"] = new string('v', 43),
        });

        // The token and revocation endpoints: the client the request names.
        Assert.Equal("https://one.acme.example", await AllowedOriginAsync(http, HttpMethod.Post, "connect/token", "https://one.acme.example", Redeem("spa-one")));
        Assert.Null(await AllowedOriginAsync(http, HttpMethod.Post, "connect/token", "https://two.acme.example", Redeem("spa-one")));
        Assert.Null(await AllowedOriginAsync(http, HttpMethod.Post, "connect/revoke", "https://two.acme.example", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["client_id"] = "spa-one", ["token"] = "not-a-token" })));
        Assert.Equal("https://two.acme.example", await AllowedOriginAsync(http, HttpMethod.Post, "connect/revoke", "https://two.acme.example",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "spa-two", ["token"] = "not-a-token" })));

        // Userinfo: the app the access token was issued to (alice's admin console, which registered no origin).
        Assert.Null(await AllowedOriginAsync(http, HttpMethod.Get, "connect/userinfo", "https://one.acme.example", bearer: _alice.DefaultRequestHeaders.Authorization));

        // A preflight names no app yet: any app's origin may send the call that follows.
        Assert.Equal("https://two.acme.example", await AllowedOriginAsync(http, HttpMethod.Options, "connect/token", "https://two.acme.example"));
    }

    [Fact]
    public async Task The_demo_spa_answers_cors_for_the_origin_the_demo_data_gives_it()
    {
        var demoSpa = await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/apps/demo-spa");
        Assert.Equal(["http://127.0.0.1:8765"], demoSpa.GetProperty("allowedOrigins").EnumerateArray().Select(o => o.GetString()));
        using var http = new HttpClient();

        Assert.Equal("http://127.0.0.1:8765", await AllowedOriginAsync(http, HttpMethod.Options, "connect/token", "http://127.0.0.1:8765"));
        Assert.Equal("http://127.0.0.1:8765", await AllowedOriginAsync(http, HttpMethod.Get, ".well-known/openid-configuration", "http://127.0.0.1:8765"));
        Assert.Null(await AllowedOriginAsync(http, HttpMethod.Options, "connect/token", "http://127.0.0.1:8766"));

        // The answer depends on the Origin header, and says so to caches, also when the request had none.
        using var plain = await http.GetAsync(new Uri(_idp.Address, ".well-known/jwks"));
        Assert.Contains("Origin", plain.Headers.Vary);

        // A refused token's challenge is readable from script.
        using var userinfo = new HttpRequestMessage(HttpMethod.Get, new Uri(_idp.Address, "connect/userinfo"));
        userinfo.Headers.Add("Origin", "http://127.0.0.1:8765");
        userinfo.Headers.Authorization = new("Bearer", "not-a-token");
        using var refused = await http.SendAsync(userinfo);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal("WWW-Authenticate", refused.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    private async Task<string?> AllowedOriginAsync(HttpClient http, HttpMethod method, string path, string origin, HttpContent? content = null,
        System.Net.Http.Headers.AuthenticationHeaderValue? bearer = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_idp.Address, path)) { Content = content };
        request.Headers.Add("Origin", origin);
        request.Headers.Authorization = bearer;
        if (method == HttpMethod.Options)
        {
            request.Headers.Add("Access-Control-Request-Method", "POST");
        }

        using var response = await http.SendAsync(request);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }

    private async Task<int> ClientCredentialsAsync(string clientId, string secret)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(_idp.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        return (int)response.StatusCode;
    }
}
