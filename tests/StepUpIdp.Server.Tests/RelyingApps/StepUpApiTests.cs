using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
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
/// The relying-party library in an API, against the real IdP: an API using the relying-party library answers a weak token with
/// RFC 9470's challenge; the app asks the IdP for the named acr_values, the person steps up with an emailed
/// passcode, and the stronger token is accepted.
/// </summary>
[Trait("Category", "Redis")]
public sealed class StepUpApiTests : IAsyncLifetime
{
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;
    private OidcRelyingParty _app = null!;
    private WebApplication _api = null!;
    private Uri _apiAddress = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        _app = await _idp.StartPublicAppAsync("acme-reports", "acme", AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-reports", "alice@acme.test", AppRole.Admin);
        (_api, _apiAddress) = await StartApiAsync(_idp.Address);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _app.DisposeAsync();
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task A_weak_token_gets_the_RFC_9470_challenge_and_the_stepped_up_token_is_accepted()
    {
        using var browser = new Browser();
        var basic = SignInOutcome.From(await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), "alice@acme.test")).Succeeded();

        var refused = await CallReportAsync(basic.AccessToken!);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var challenge = refused.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_user_authentication\"", challenge);
        var acrValues = Regex.Match(challenge, "acr_values=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal("urn:stepupidp:acr:otp", acrValues);

        // The app sends the person back to the IdP with what the API asked for; an internal user steps up too.
        var verifyPage = await browser.OpenAsync(_app.LoginUri("acr_values=" + Uri.EscapeDataString(acrValues)));
        var stepped = SignInOutcome.From(await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail, "alice@acme.test")).Succeeded();
        Assert.Equal("urn:stepupidp:acr:otp", Tokens.Read(stepped.IdToken!).GetClaim("acr").Value);

        var accepted = await CallReportAsync(stepped.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private async Task<HttpResponseMessage> CallReportAsync(string accessToken)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await http.GetAsync(new Uri(_apiAddress, "report"));
    }

    /// <summary>A relying API: JwtBearer against the IdP's JWKS, and the library's acr requirement on /report.</summary>
    private static async Task<(WebApplication, Uri)> StartApiAsync(Uri authority)
    {
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.Authority = authority.ToString();
            bearer.RequireHttpsMetadata = false;
            bearer.MapInboundClaims = false;
            bearer.Audience = "acme-reports"; // the API of the acme-reports app: its tokens only
        });
        builder.Services.AddStepUpIdpApi();
        builder.Services.AddAuthorization(o => o.AddPolicy("otp", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp)));

        var api = builder.Build();
        api.UseAuthentication();
        api.UseAuthorization();
        api.MapGet("/report", () => Results.Text("quarterly numbers")).RequireAuthorization("otp");
        return (api, await LoopbackApp.StartAsync(api));
    }
}
