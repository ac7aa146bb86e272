using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Walkthrough;

/// <summary>
/// The organisation's app, as small as a real one can be: a page on 127.0.0.1 whose <c>/login</c> sends the browser to
/// the IdP (authorization code + PKCE), and whose callback redeems the code over the IdP's HTTPS, validates the ID token
/// against the published JWKS and shows who signed in. The tokens it received are kept for the test to read.
/// </summary>
public sealed class WalkthroughApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, (string Verifier, string Nonce)> _pending = new();
    private readonly ConcurrentDictionary<string, JsonWebToken> _signedIn = new(StringComparer.OrdinalIgnoreCase);

    private WalkthroughApp(WebApplication app, HttpClient http)
    {
        _app = app;
        _http = http;
    }

    public Uri Address { get; private set; } = null!;

    public Uri RedirectUri => new(Address, "callback");

    public Uri LoginUri => new(Address, "login");

    /// <summary>The validated ID token the app received for <paramref name="email"/>, if anyone with it signed in.</summary>
    public JsonWebToken? IdTokenOf(string email) => _signedIn.TryGetValue(email, out var token) ? token : null;

    public static async Task<WalkthroughApp> StartAsync(Uri issuer, X509Certificate2 idpCertificate, string clientId)
    {
        var builder = LoopbackApp.CreateBuilder();
        var http = IdpProcess.Trusting(idpCertificate);
        var app = new WalkthroughApp(builder.Build(), http);
        app._app.MapGet("/login", (HttpContext context) =>
        {
            var state = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
            var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            var nonce = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
            app._pending[state] = (verifier, nonce);
            return Results.Redirect(QueryHelpers.AddQueryString(new Uri(issuer, "connect/authorize").ToString(), new Dictionary<string, string?>
            {
                ["client_id"] = clientId,
                ["redirect_uri"] = app.RedirectUri.ToString(),
                ["response_type"] = "code",
                ["scope"] = "openid profile email",
                ["state"] = state,
                ["nonce"] = nonce,
                ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
                ["code_challenge_method"] = "S256",
            }));
        });
        app._app.MapGet("/callback", async (HttpContext context) =>
        {
            var query = context.Request.Query;
            if (!app._pending.TryRemove(query["state"].ToString(), out var pending))
            {
                return Page(HttpStatusCode.BadRequest, "error", $"Unknown state; the IdP answered: {query["error"]} {query["error_description"]}");
            }

            if (query.ContainsKey("error"))
            {
                return Page(HttpStatusCode.OK, "error", $"{query["error"]}: {query["error_description"]}");
            }

            using var response = await http.PostAsync(new Uri(issuer, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = clientId,
                ["code"] = query["code"].ToString(),
                ["redirect_uri"] = app.RedirectUri.ToString(),
                ["code_verifier"] = pending.Verifier,
            }));
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                return Page(HttpStatusCode.OK, "error", $"The token request failed: {(int)response.StatusCode} {body}");
            }

            using var tokens = JsonDocument.Parse(body);
            var jwks = new JsonWebKeySet(await http.GetStringAsync(new Uri(issuer, ".well-known/jwks")));
            var validated = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.RootElement.GetProperty("id_token").GetString(), new TokenValidationParameters
            {
                ValidIssuer = issuer.ToString(),
                ValidAudience = clientId,
                IssuerSigningKeys = jwks.GetSigningKeys(),
            });
            if (!validated.IsValid)
            {
                return Page(HttpStatusCode.OK, "error", $"The ID token does not validate: {validated.Exception?.Message}");
            }

            var idToken = (JsonWebToken)validated.SecurityToken;
            if (idToken.GetClaim("nonce").Value != pending.Nonce)
            {
                return Page(HttpStatusCode.OK, "error", "The ID token's nonce is not the one sent.");
            }

            var email = idToken.GetClaim("email").Value;
            app._signedIn[email] = idToken;
            return Page(HttpStatusCode.OK, "signed-in", $"Signed in as {email} ({idToken.GetClaim("user_type").Value})");
        });

        app.Address = await LoopbackApp.StartAsync(app._app);
        return app;
    }

    private static IResult Page(HttpStatusCode status, string id, string text) => Results.Content(
        $"<!doctype html><title>Portal</title><p id=\"{id}\">{HtmlEncoder.Default.Encode(text)}</p>", "text/html", Encoding.UTF8, (int)status);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
