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
/// to the IdP with acr_values, and after the passcode the page is served (the session keeps the acr it got); a level
/// the person will not reach ends on a page that says so, not in an error or another trip to the IdP.
/// </summary>
[Trait("Category", "Redis")]
public sealed class StepUpWebAppTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next(); // one per test: the class is made anew for each test
    private Uri _webAddress = null!;

    public async Task InitializeAsync() =>
        _webAddress = (await shared.OnceAsync("acme-intranet", async () =>
        {
            var (web, address) = await StartWebAppAsync(_idp.Address);
            await _idp.RegisterPublicAppAsync("acme-intranet", "acme", new Uri(address, "signin-oidc"), AppEnforcement.Enforced);
            await _idp.GrantAsync("acme-intranet", "alice@acme.test", AppRole.User);
            return new Intranet(web, address);
        })).Address;

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_page_needing_otp_steps_the_person_up_and_is_then_served()
    {
        using var browser = new Browser(_from);
        var home = await browser.SignInAsync(await browser.OpenAsync(new Uri(_webAddress, "home")), "alice@acme.test");
        Assert.Equal("home for alice@acme.test", home.Html);

        var verifyPage = await browser.OpenAsync(new Uri(_webAddress, "payroll"));
        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        var payroll = await browser.VerifyWithEmailedCodeAsync(verifyPage, shared.Mail, "alice@acme.test");

        Assert.Equal(HttpStatusCode.OK, payroll.Status);
        Assert.Equal("payroll: urn:stepupidp:acr:otp", payroll.Html);
    }

    [Fact]
    public async Task A_page_needing_2sv_that_the_person_will_not_set_up_says_so_instead_of_failing()
    {
        var carol = $"carol-{Guid.NewGuid():N}@acme.test";
        await _idp.AddAccountAsync(carol);
        await _idp.GrantAsync("acme-intranet", carol, AppRole.User);
        using var browser = new Browser(_from);
        await browser.SignInAsync(await browser.OpenAsync(new Uri(_webAddress, "home")), carol);

        // She has no authenticator app; the IdP offers to set one up, and she says "Not now".
        var enrolPage = await browser.OpenAsync(new Uri(_webAddress, "security"));
        Assert.Equal("/account/authenticator", enrolPage.Url.AbsolutePath);
        var answer = await browser.SubmitAsync(enrolPage, new Dictionary<string, string>(), "#decline-form");

        // The IdP answers unmet_authentication_requirements; the app shows why (it used to fail with a 500).
        Assert.Equal(_webAddress.Authority, answer.Url.Authority);
        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Contains("urn:stepupidp:acr:2sv", answer.Html);
        Assert.Contains("unmet_authentication_requirements", answer.Html);

        // Her session is as it was: pages that need no more still open.
        Assert.Equal($"home for {carol}", (await browser.OpenAsync(new Uri(_webAddress, "home"))).Html);
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
        builder.Services.AddAuthorization(o =>
        {
            o.AddPolicy("otp", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp));
            o.AddPolicy("2sv", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.TwoStep));
        });

        var web = builder.Build();
        web.UseAuthentication();
        web.UseAuthorization();
        web.MapGet("/home", (HttpContext http) => Results.Text($"home for {http.User.FindFirst("email")?.Value}"))
            .RequireAuthorization();
        web.MapGet("/payroll", (HttpContext http) => Results.Text($"payroll: {http.User.FindFirst("acr")?.Value}"))
            .RequireAuthorization("otp");
        web.MapGet("/security", () => Results.Text("security settings")).RequireAuthorization("2sv");
        return (web, await LoopbackApp.StartAsync(web));
    }

    private sealed record Intranet(WebApplication Web, Uri Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Web.DisposeAsync();
    }
}
