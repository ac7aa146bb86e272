using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A real relying web app: ASP.NET Core's OpenIdConnect handler (authorization code + PKCE) on Kestrel.
/// <c>/login</c> starts a sign-in (with optional acr_values, max_age, prompt); after the callback it
/// shows the tokens it received as JSON, or the OAuth error the IdP sent back.
/// </summary>
public sealed class OidcRelyingParty : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OidcRelyingParty(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }
    public Uri RedirectUri => new(Address, "signin-oidc");
    public Uri LoginUri(string? query = null) => new(Address, "login" + (query is null ? "" : "?" + query));

    public const string DefaultScopes = "openid profile email offline_access";

    public static async Task<OidcRelyingParty> StartAsync(Uri authority, string clientId, string scopes = DefaultScopes)
    {
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(c => c.Cookie.Name = "rp.session")
            .AddOpenIdConnect(oidc =>
            {
                oidc.UseTestIdp(authority, clientId);
                oidc.SaveTokens = true;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.Scope.Clear();
                foreach (var scope in scopes.Split(' '))
                {
                    oidc.Scope.Add(scope);
                }

                oidc.Events.OnRedirectToIdentityProvider = context =>
                {
                    foreach (var name in new[] { "acr_values", "max_age", "prompt" })
                    {
                        if (context.Properties.Items.TryGetValue(name, out var value) && value is not null)
                        {
                            context.ProtocolMessage.SetParameter(name, value);
                        }
                    }

                    return Task.CompletedTask;
                };
                oidc.Events.OnRemoteFailure = async context =>
                {
                    context.HandleResponse();
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    var error = context.Failure?.Data["error"] as string ?? "remote_failure";
                    var description = context.Failure?.Data["error_description"] as string ?? context.Failure?.Message;
                    await context.Response.WriteAsJsonAsync(new { error, error_description = description });
                };
            });

        var app = builder.Build();
        app.UseAuthentication();
        app.MapGet("/login", async (HttpContext http) =>
        {
            var properties = new AuthenticationProperties { RedirectUri = "/tokens" };
            foreach (var name in new[] { "acr_values", "max_age", "prompt" })
            {
                if (http.Request.Query.TryGetValue(name, out var value))
                {
                    properties.Items[name] = value.ToString();
                }
            }

            await http.ChallengeAsync(OpenIdConnectDefaults.AuthenticationScheme, properties);
        });
        app.MapGet("/tokens", async (HttpContext http) =>
        {
            var result = await http.AuthenticateAsync();
            if (!result.Succeeded)
            {
                return Results.Unauthorized();
            }

            return Results.Json(new
            {
                id_token = result.Properties!.GetTokenValue("id_token"),
                access_token = result.Properties.GetTokenValue("access_token"),
                refresh_token = result.Properties.GetTokenValue("refresh_token"),
            });
        });

        return new OidcRelyingParty(app, await LoopbackApp.StartAsync(app));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>What the relying party showed after the sign-in: its tokens, or the OAuth error it received.</summary>
public sealed record SignInOutcome(string? IdToken, string? AccessToken, string? RefreshToken, string? Error, string? ErrorDescription)
{
    /// <summary>Asserts the relying party got tokens, showing the error it got instead when it did not.</summary>
    public SignInOutcome Succeeded()
    {
        Assert.True(Error is null && IdToken is not null, $"The relying party got no tokens: {Error}: {ErrorDescription}");
        return this;
    }

    public static SignInOutcome From(Page page)
    {
        if (page.MediaType != "application/json")
        {
            return new SignInOutcome(null, null, null, "not_json", page.Url + "\n" + page.Html);
        }

        using var json = JsonDocument.Parse(page.Html);
        string? Read(string name) => json.RootElement.TryGetProperty(name, out var value) ? value.GetString() : null;
        return new SignInOutcome(Read("id_token"), Read("access_token"), Read("refresh_token"), Read("error"), Read("error_description"));
    }
}
