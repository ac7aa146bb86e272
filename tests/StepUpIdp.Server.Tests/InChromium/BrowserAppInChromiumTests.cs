using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.InChromium;

/// <summary>
/// A single-page app as a developer writes one, in a real Chromium: an admin registers it over the apps API with its
/// origin, and its page (served by a Kestrel of its own on 127.0.0.1) reads discovery, signs alice in with the code
/// flow and PKCE, and calls the token, userinfo and revocation endpoints from script. Chromium enforces CORS: what the
/// page reads, the IdP allowed; the same page from another origin reads nothing.
/// </summary>
[Trait("Category", "Browser")]
public sealed class BrowserAppInChromiumTests : IAsyncLifetime
{
    private IdpHost _idp = null!;
    private WebApplication _spa = null!;
    private Uri _origin = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _chromium = null!;

    public async Task InitializeAsync()
    {
        _idp = new IdpHost();
        _spa = LoopbackApp.CreateBuilder().Build();
        var idpBase = _idp.Address.AbsoluteUri.TrimEnd('/');
        _spa.MapGet("/{**path}", () => Results.Content(SinglePageApp.Replace("IDP_BASE", idpBase, StringComparison.Ordinal), "text/html"));
        _origin = await LoopbackApp.StartAsync(_spa);
        _playwright = await Playwright.CreateAsync();
        _chromium = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        _playwright.Dispose();
        await _spa.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [ChromiumFact]
    public async Task A_registered_browser_app_signs_in_and_calls_the_protocol_endpoints_from_script()
    {
        var origin = _origin.GetLeftPart(UriPartial.Authority);
        using (var admin = await AdminClient.ForAsync(_idp, "alice@acme.test"))
        {
            var created = await admin.PostAsJsonAsync("api/orgs/acme/apps", new
            {
                clientId = "browser-spa", name = "Browser SPA", type = "public", redirectUris = new[] { origin + "/callback" },
                allowedOrigins = new[] { origin }, scopes = new[] { "openid", "profile", "email", "offline_access" },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await _idp.GrantAsync("browser-spa", "alice@acme.test", AppRole.User);
        await using var context = await _chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        // The app sends the browser to the IdP's sign-in page (Playwright waits for its fields), then gets it back with a code.
        await page.GotoAsync(origin + "/");
        await page.FillAsync("#email", "alice@acme.test");
        await page.FillAsync("#password", People.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("}", new() { Timeout = 20_000 });
        Assert.StartsWith(origin + "/callback?", page.Url, StringComparison.Ordinal);

        var result = JsonDocument.Parse(await page.Locator("#result").TextContentAsync() ?? "").RootElement;
        Assert.True(result.TryGetProperty("tokenStatus", out var tokenStatus), result.ToString());
        Assert.Equal(200, tokenStatus.GetInt32());
        Assert.True(result.GetProperty("idToken").GetBoolean());
        Assert.Equal(("alice@acme.test", "internal"), (result.GetProperty("email").GetString(), result.GetProperty("userType").GetString()));
        Assert.Contains("invalid_token", result.GetProperty("challenge").GetString());
        Assert.Equal(200, result.GetProperty("revokeStatus").GetInt32());
        Assert.Equal("invalid_grant", result.GetProperty("refreshAfterRevoke").GetString());

        // The same page from an origin no app registered (localhost instead of 127.0.0.1): Chromium hands it no answer.
        await page.GotoAsync($"http://localhost:{_origin.Port}/other");
        var other = await page.EvaluateAsync<string>(
            "base => fetch(base + '/.well-known/openid-configuration').then(r => 'read ' + r.status, e => 'blocked')", _idp.Address.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("blocked", other);
    }

    /// <summary>
    /// The app: with no code in its address it makes a PKCE pair and goes to the authorization endpoint; back with a
    /// code it redeems it, reads userinfo (and what a bad token gets), revokes the refresh token and tries it again.
    /// </summary>
    private const string SinglePageApp = """
        <!doctype html><meta charset="utf-8"><title>browser-spa</title><pre id="result"></pre>
        <script>
        const idp = "IDP_BASE", callback = location.origin + "/callback";
        const b64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        const form = fields => ({ method: "POST", body: new URLSearchParams(fields) });
        async function main() {
          if (location.pathname === "/other") return;
          const discovery = await (await fetch(idp + "/.well-known/openid-configuration")).json();
          const query = new URLSearchParams(location.search);
          if (!query.has("code")) {
            const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
            sessionStorage.setItem("verifier", verifier);
            const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
            const authorize = new URL(discovery.authorization_endpoint);
            authorize.search = new URLSearchParams({ client_id: "browser-spa", response_type: "code", scope: "openid profile email offline_access",
              redirect_uri: callback, code_challenge: challenge, code_challenge_method: "S256", state: "spa-state" });
            location.assign(authorize);
            return;
          }
          if (query.get("state") !== "spa-state" || query.get("iss") !== discovery.issuer) throw new Error("state or iss");
          const token = await fetch(discovery.token_endpoint, form({ grant_type: "authorization_code", client_id: "browser-spa",
            code: query.get("code"), redirect_uri: callback, code_verifier: sessionStorage.getItem("verifier") }));
          const tokens = await token.json();
          const userinfo = await (await fetch(discovery.userinfo_endpoint, { headers: { Authorization: "Bearer " + tokens.access_token } })).json();
          const refused = await fetch(discovery.userinfo_endpoint, { headers: { Authorization: "Bearer not-a-token" } });
          const revoke = await fetch(discovery.revocation_endpoint, form({ client_id: "browser-spa", token: tokens.refresh_token, token_type_hint: "refresh_token" }));
          const again = await (await fetch(discovery.token_endpoint, form({ grant_type: "refresh_token", client_id: "browser-spa", refresh_token: tokens.refresh_token }))).json();
          document.getElementById("result").textContent = JSON.stringify({
            tokenStatus: token.status, idToken: typeof tokens.id_token === "string", email: userinfo.email, userType: userinfo.user_type,
            challenge: refused.headers.get("WWW-Authenticate"), revokeStatus: revoke.status, refreshAfterRevoke: again.error });
        }
        main().catch(e => document.getElementById("result").textContent = JSON.stringify({ error: String(e) }));
        </script>
        """;
}
