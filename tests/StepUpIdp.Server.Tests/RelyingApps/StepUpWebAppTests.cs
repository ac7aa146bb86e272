using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.RelyingParty;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.RelyingApps;

/// <summary>
/// The relying-party library in web apps, against the real IdP: a page that needs a stronger sign-in sends the person
/// to the IdP with acr_values, and after the passcode the page is served (the session keeps the acr it got).
/// </summary>
[Trait("Category", "Redis")]
public sealed class StepUpWebAppTests : IAsyncLifetime
{
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;
    private WebApplication _web = null!;
    private Uri _webAddress = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        (_web, _webAddress) = await StartWebAppAsync(_idp.Address);
        await _idp.RegisterPublicAppAsync("acme-intranet", "acme", new Uri(_webAddress, "signin-oidc"), AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-intranet", "alice@acme.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task A_page_needing_otp_steps_the_person_up_and_is_then_served()
    {
        using var browser = new Browser();
        var home = await browser.SignInAsync(await browser.OpenAsync(new Uri(_webAddress, "home")), "alice@acme.test");
        Assert.Equal("home for alice@acme.test", home.Html);

        var verifyPage = await browser.OpenAsync(new Uri(_webAddress, "payroll"));
        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        var payroll = await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail, "alice@acme.test");

        Assert.Equal(HttpStatusCode.OK, payroll.Status);
        Assert.Equal("payroll: urn:stepupidp:acr:otp", payroll.Html);
    }

    private static async Task<(WebApplication, Uri)> StartWebAppAsync(Uri authority)
    {
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(c => c.Cookie.Name = "intranet.session")
            .AddOpenIdConnect(oidc =>
            {
                oidc.UseTestIdp(authority, "acme-intranet");
                oidc.Scope.Add("email");
            });
        builder.Services.AddStepUpIdpWebApp();
        builder.Services.AddAuthorization(o => o.AddPolicy("otp", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp)));

        var web = builder.Build();
        web.UseAuthentication();
        web.UseAuthorization();
        web.MapGet("/home", (HttpContext http) => Results.Text($"home for {http.User.FindFirst("email")?.Value}"))
            .RequireAuthorization();
        web.MapGet("/payroll", (HttpContext http) => Results.Text($"payroll: {http.User.FindFirst("acr")?.Value}"))
            .RequireAuthorization("otp");
        return (web, await LoopbackApp.StartAsync(web));
    }
}
