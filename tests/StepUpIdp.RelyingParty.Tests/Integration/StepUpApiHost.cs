using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>
/// A relying API on TestServer: JwtBearer with ASP.NET Core's default claim mapping, the library, and
/// endpoints behind step-up policies. Tokens are signed with a test RSA key, shaped like StepUpIdp's.
/// </summary>
public sealed class StepUpApiHost : IAsyncDisposable
{
    public const string Issuer = "https://idp.test/";
    public const string Audience = "demo-api";

    private static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly WebApplication _app;

    public StepUpApiHost()
        : this(null)
    {
    }

    /// <param name="configureServices">Runs after the host's own registrations.</param>
    internal StepUpApiHost(Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Issuer,
                ValidAudience = Audience,
                IssuerSigningKey = SigningKey,
            };
        });
        builder.Services.AddStepUpIdpApi();
        builder.Services.AddStepUpIdpApi(); // safe twice
        builder.Services.AddAuthorization(o =>
        {
            o.AddPolicy("otp", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp));
            o.AddPolicy("recent", p => p.RequireAuthenticatedUser().RequireRecentAuthentication(TimeSpan.FromMinutes(5)));
            o.AddPolicy("2sv-recent", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.TwoStep).RequireRecentAuthentication(TimeSpan.FromMinutes(5)));
            o.AddPolicy("admin-otp", p => p.RequireAuthenticatedUser().RequireRole("admin").RequireAcr(StepUpAcr.Otp));
        });

        configureServices?.Invoke(builder.Services);
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        foreach (var policy in new[] { "otp", "recent", "2sv-recent", "admin-otp" })
        {
            _app.MapGet("/" + policy, () => Results.Ok(new { ok = policy })).RequireAuthorization(policy);
        }

        _app.StartAsync().GetAwaiter().GetResult();
        Client = _app.GetTestClient();
    }

    /// <summary>The clock of the step-up rules; token lifetimes use the real clock, so it starts at real now.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public HttpClient Client { get; }

    /// <summary>An access token as StepUpIdp issues it; <paramref name="apiTokenId"/> makes it one from API-token exchange.</summary>
    public string Token(string? acr, TimeSpan authenticatedAgo, string role = "user", string? apiTokenId = null, string type = "at+jwt", string audience = Audience, TimeSpan? lifetime = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "acct-1",
            ["org"] = "acme",
            ["user_type"] = "external",
            ["role"] = role,
            ["auth_time"] = (Time.GetUtcNow() - authenticatedAgo).ToUnixTimeSeconds(),
        };
        if (acr is not null)
        {
            claims["acr"] = acr;
        }

        if (apiTokenId is not null)
        {
            claims["api_token_id"] = apiTokenId;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            TokenType = type,
            Claims = claims,
            NotBefore = DateTime.UtcNow.AddHours(-1),
            IssuedAt = DateTime.UtcNow.AddHours(-1),
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(15)),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
