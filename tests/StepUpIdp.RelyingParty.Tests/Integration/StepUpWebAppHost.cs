using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>
/// A relying web app on TestServer: cookie + OpenIdConnect (configuration set in code, so no network), the library
/// and its back-channel logout endpoint. <c>/test/sign-in</c> stands in for a completed OIDC sign-in: it issues the
/// session cookie for a principal with the claims given in the query. <see cref="CompleteSignInAsync"/> goes through
/// the real callback instead, with the IdP's token endpoint answered in process.
/// </summary>
public sealed class StepUpWebAppHost : IAsyncDisposable
{
    public const string Issuer = "https://idp.test/";
    public const string ClientId = "demo-spa";
    public const string AuthorizationEndpoint = "https://idp.test/connect/authorize";

    /// <summary>The IdP's token-signing key, published in the app's OIDC configuration as its JWKS would be.</summary>
    public static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "idp-key" };

    private readonly WebApplication _app;
    private readonly TokenEndpoint _tokenEndpoint = new();

    /// <param name="configureServices">Runs after the host's own registrations (a fallback policy, other schemes, a cache).</param>
    /// <param name="cookieScheme">The name the cookie scheme is registered under.</param>
    public StepUpWebAppHost(Action<IServiceCollection>? configureServices = null, string cookieScheme = CookieAuthenticationDefaults.AuthenticationScheme)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = cookieScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookieScheme, c => c.Events.OnValidatePrincipal = context =>
            {
                // The app's own handler still runs for sessions the library keeps.
                context.HttpContext.Response.Headers["X-App-Validated"] = "yes";
                return Task.CompletedTask;
            })
            .AddOpenIdConnect(o =>
            {
                o.Configuration = new OpenIdConnectConfiguration
                {
                    Issuer = Issuer,
                    AuthorizationEndpoint = AuthorizationEndpoint,
                    TokenEndpoint = "https://idp.test/connect/token",
                };
                o.Configuration.SigningKeys.Add(SigningKey);
                o.ClientId = ClientId;
                o.CallbackPath = "/callback";
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.MapInboundClaims = false;
                o.BackchannelHttpHandler = _tokenEndpoint;
            });
        builder.Services.AddStepUpIdpWebApp();
        builder.Services.AddAuthorization(o =>
        {
            o.AddPolicy("otp", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp));
            o.AddPolicy("recent", p => p.RequireAuthenticatedUser().RequireRecentAuthentication(TimeSpan.FromMinutes(10)));
        });
        configureServices?.Invoke(builder.Services);

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/test/sign-in", async (HttpContext http) =>
        {
            var claims = http.Request.Query.Select(q => new Claim(q.Key, q.Value.ToString())).ToList();
            if (!claims.Any(c => c.Type is "sub" or ClaimTypes.NameIdentifier))
            {
                claims.Insert(0, new Claim("sub", "acct-1"));
            }

            await http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, "test", "sub", "role")));
        }).AllowAnonymous();
        _app.MapGet("/page", () => "page").RequireAuthorization();
        _app.MapGet("/otp-page", () => "otp page").RequireAuthorization("otp");
        _app.MapGet("/recent-page", () => "recent page").RequireAuthorization("recent");
        _app.MapGet("/sign-in", (string? returnUrl) => Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [OpenIdConnectDefaults.AuthenticationScheme]))
            .AllowAnonymous();
        _app.MapGet("/{**anything}", (string anything) => "page " + anything).RequireAuthorization("otp");
        _app.MapGet("/public", (HttpContext http) => http.User.Identity?.IsAuthenticated == true ? "signed in" : "anonymous").AllowAnonymous();
        _app.MapStepUpIdpBackChannelLogout("/backchannel-logout");
        _app.StartAsync().GetAwaiter().GetResult();
        Client = _app.GetTestClient();
    }

    /// <summary>The app's clock. Token lifetimes are judged by the real clock, so it starts at real now.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Signs in with the given claims; answers the session cookie (<c>name=value</c>).</summary>
    public async Task<string> SignInAsync(params (string Type, object Value)[] claims)
    {
        var query = string.Join("&", claims.Select(c => $"{WebUtility.UrlEncode(c.Type)}={WebUtility.UrlEncode(Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture))}"));
        var response = await Client.GetAsync("/test/sign-in?" + query);
        response.EnsureSuccessStatusCode();
        return SessionCookie(response) ?? throw new InvalidOperationException("No session cookie was issued.");
    }

    /// <summary>
    /// Completes the sign-in a challenge (<paramref name="redirectToIdp"/>) started, through the app's real
    /// callback: the IdP's token endpoint answers an ID token with <paramref name="claims"/> (and the request's nonce).
    /// </summary>
    public Task<HttpResponseMessage> CompleteSignInAsync(HttpResponseMessage redirectToIdp, params (string Type, object Value)[] claims)
    {
        var request = AuthorizationRequest(redirectToIdp);
        _tokenEndpoint.IdToken = IdToken(request["nonce"], claims);
        return CallbackAsync(redirectToIdp, $"code=test-code&state={Uri.EscapeDataString(request["state"])}");
    }

    /// <summary>The IdP answers the authorization request with an OAuth error (RFC 6749 section 4.1.2.1).</summary>
    public Task<HttpResponseMessage> AnswerWithErrorAsync(HttpResponseMessage redirectToIdp, string error, string description)
    {
        var request = AuthorizationRequest(redirectToIdp);
        return CallbackAsync(redirectToIdp,
            $"error={error}&error_description={Uri.EscapeDataString(description)}&state={Uri.EscapeDataString(request["state"])}");
    }

    /// <summary>The query of a redirect to the IdP's authorization endpoint.</summary>
    public static Dictionary<string, string> AuthorizationRequest(HttpResponseMessage redirectToIdp)
    {
        Assert.Equal(HttpStatusCode.Redirect, redirectToIdp.StatusCode);
        var location = redirectToIdp.Headers.Location!;
        Assert.Equal(AuthorizationEndpoint, location.GetLeftPart(UriPartial.Path));
        return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    /// <summary>The session cookie (<c>name=value</c>) a response sets, or null.</summary>
    public static string? SessionCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal) && c.Length > ".AspNetCore.Cookies=".Length)
            : null;

    /// <summary>A logout token as StepUpIdp signs it (OIDC Back-Channel Logout 1.0 section 2.4); change any part.</summary>
    public string LogoutToken(
        Action<Dictionary<string, object>>? claims = null,
        string? type = "logout+jwt",
        SigningCredentials? signing = null,
        string audience = ClientId,
        TimeSpan? lifetime = null)
    {
        var now = DateTime.UtcNow;
        var payload = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Iss] = Issuer,
            [JwtRegisteredClaimNames.Aud] = audience,
            [JwtRegisteredClaimNames.Iat] = EpochTime.GetIntDate(now),
            [JwtRegisteredClaimNames.Exp] = EpochTime.GetIntDate(now + (lifetime ?? TimeSpan.FromMinutes(2))),
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [JwtRegisteredClaimNames.Sub] = "acct-1",
            ["sid"] = "sid-1",
            ["events"] = new Dictionary<string, object> { [BackChannelLogout.LogoutEvent] = new Dictionary<string, object>() },
        };
        claims?.Invoke(payload);
        if (type is null)
        {
            // The handler always writes a typ; section 2.4 lets an OP leave it out, so sign this one by hand.
            var unsigned = Base64UrlEncoder.Encode($"{{\"alg\":\"RS256\",\"kid\":\"{SigningKey.KeyId}\"}}") + "."
                + Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(payload));
            var signature = SigningKey.Rsa.SignData(System.Text.Encoding.ASCII.GetBytes(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return unsigned + "." + Base64UrlEncoder.Encode(signature);
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            TokenType = type,
            SigningCredentials = signing ?? new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public Task<HttpResponseMessage> PostLogoutAsync(string? token) =>
        Client.PostAsync("/backchannel-logout", new FormUrlEncodedContent(token is null ? [] : [new("logout_token", token)]));

    public Task<HttpResponseMessage> GetAsync(string path, string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> CallbackAsync(HttpResponseMessage redirectToIdp, string query)
    {
        // The browser brings back the correlation and nonce cookies the challenge set.
        var cookies = redirectToIdp.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Where(c => !c.EndsWith('='));
        var callback = new HttpRequestMessage(HttpMethod.Get, "/callback?" + query);
        callback.Headers.Add("Cookie", string.Join("; ", cookies));
        return Client.SendAsync(callback);
    }

    private string IdToken(string nonce, (string Type, object Value)[] claims)
    {
        var now = DateTime.UtcNow;
        var payload = claims.ToDictionary(c => c.Type, c => c.Value);
        payload.TryAdd("sub", "acct-1");
        payload["nonce"] = nonce;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Claims = payload,
            IssuedAt = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The IdP's token endpoint: redeems any code for the ID token the test set.</summary>
    private sealed class TokenEndpoint : HttpMessageHandler
    {
        public string? IdToken { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(new { id_token = IdToken, access_token = "access", token_type = "Bearer", expires_in = 300 }),
            });
    }
}
