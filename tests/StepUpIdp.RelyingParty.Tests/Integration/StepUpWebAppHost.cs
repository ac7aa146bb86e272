using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>
/// A relying web app on TestServer: cookie + OpenIdConnect (configuration set in code, so no network)
/// and the library. <c>/test/sign-in</c> stands in for a completed OIDC sign-in: it issues the session
/// cookie for a principal with the claims given in the query.
/// </summary>
public sealed class StepUpWebAppHost : IAsyncDisposable
{
    public const string AuthorizationEndpoint = "https://idp.test/connect/authorize";

    private readonly WebApplication _app;

    public StepUpWebAppHost()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(c => c.Events.OnValidatePrincipal = context =>
            {
                // The app's own handler still runs for sessions the library keeps.
                context.HttpContext.Response.Headers["X-App-Validated"] = "yes";
                return Task.CompletedTask;
            })
            .AddOpenIdConnect(o =>
            {
                o.Configuration = new OpenIdConnectConfiguration
                {
                    Issuer = "https://idp.test/",
                    AuthorizationEndpoint = AuthorizationEndpoint,
                    TokenEndpoint = "https://idp.test/connect/token",
                };
                o.ClientId = "demo-spa";
                o.CallbackPath = "/callback";
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.MapInboundClaims = false;
            });
        builder.Services.AddStepUpIdpWebApp();
        builder.Services.AddAuthorization(o =>
        {
            o.AddPolicy("otp", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp));
            o.AddPolicy("recent", p => p.RequireAuthenticatedUser().RequireRecentAuthentication(TimeSpan.FromMinutes(10)));
        });

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapGet("/test/sign-in", async (HttpContext http) =>
        {
            var claims = http.Request.Query.Select(q => new Claim(q.Key, q.Value.ToString())).Prepend(new Claim("sub", "acct-1"));
            await http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, "test", "sub", "role")));
        });
        _app.MapGet("/page", () => "page").RequireAuthorization();
        _app.MapGet("/otp-page", () => "otp page").RequireAuthorization("otp");
        _app.MapGet("/recent-page", () => "recent page").RequireAuthorization("recent");
        _app.MapGet("/public", (HttpContext http) => http.User.Identity?.IsAuthenticated == true ? "signed in" : "anonymous");
        _app.StartAsync().GetAwaiter().GetResult();
        Client = _app.GetTestClient();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public HttpClient Client { get; }

    /// <summary>Signs in with the given claims; answers the session cookie (<c>name=value</c>).</summary>
    public async Task<string> SignInAsync(params (string Type, object Value)[] claims)
    {
        var query = string.Join("&", claims.Select(c => $"{c.Type}={WebUtility.UrlEncode(Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture))}"));
        var response = await Client.GetAsync("/test/sign-in?" + query);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal)).Split(';')[0];
    }

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
}
