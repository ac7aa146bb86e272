using System.Net;
using System.Net.Http.Json;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.ApiTokens.ApiTokenTestDirectory;

namespace StepUpIdp.Server.Tests.ApiTokens;

/// <summary>The account page and <c>/api/me/api-tokens</c> with the browser session: CSRF-protected.</summary>
public sealed class ApiTokenSessionTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Page_creates_a_token_shows_it_once_and_revokes_it()
    {
        using var browser = new Browser();
        var page = await SignInToPageAsync(browser, "bob@partner.test");

        // bob is external to Acme: his password alone does not create a token; an emailed code in this session does.
        var verify = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Name"] = "laptop script", ["LifetimeDays"] = "7" }, "#create-token");
        Assert.Equal("/account/verify", verify.Url.AbsolutePath);
        page = await browser.CompleteAsync(_idp, verify, "bob@partner.test");
        Assert.Equal("/account/api-tokens", page.Url.AbsolutePath);
        Assert.Contains("Name", page.Html); // the form again, to send once more

        var created = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Name"] = "laptop script", ["LifetimeDays"] = "7" }, "#create-token");
        var token = created.Document.QuerySelector("#new-token")?.GetAttribute("value");
        Assert.NotNull(token);
        Assert.StartsWith("sut_", token);
        Assert.Equal(200, (await ExchangeAsync(_idp.Address, token)).Status);

        var again = await browser.OpenAsync(new Uri(_idp.Address, "account/api-tokens"));
        Assert.Null(again.Document.QuerySelector("#new-token"));
        Assert.DoesNotContain(token, again.Html);
        Assert.Contains("laptop script", again.Text("#tokens"));

        await browser.SubmitAsync(again, new Dictionary<string, string>(), "form.revoke");
        Assert.Equal("The API token has been revoked.", (await ExchangeAsync(_idp.Address, token)).Body.Description());
    }

    [Fact]
    public async Task Page_shows_a_lifetime_error_next_to_the_field()
    {
        using var browser = new Browser();
        var page = await SignInToPageAsync(browser, "alice@acme.test");
        var refused = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Name"] = "too long", ["LifetimeDays"] = "1000" }, "#create-token");
        Assert.Contains("365", refused.Text("#lifetime-error"));
        Assert.Null(refused.Document.QuerySelector("#new-token"));
    }

    [Fact]
    public async Task Session_calls_to_the_api_need_the_antiforgery_token_for_unsafe_methods()
    {
        using var browser = new Browser();
        var page = await SignInToPageAsync(browser, "alice@acme.test");
        var antiforgery = page.Document.QuerySelector("#create-token input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        using var http = new HttpClient(new HttpClientHandler { CookieContainer = browser.Cookies }) { BaseAddress = _idp.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/me/api-tokens")).StatusCode);

        var forged = await http.PostAsJsonAsync("api/me/api-tokens", new { name = "csrf", lifetimeDays = 30 });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("antiforgery", await forged.Content.ReadAsStringAsync());

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/me/api-tokens") { Content = JsonContent.Create(new { name = "ok", lifetimeDays = 30 }) };
        request.Headers.Add("RequestVerificationToken", antiforgery);
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(request)).StatusCode);

        using var anonymous = new HttpClient { BaseAddress = _idp.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/me/api-tokens")).StatusCode);
    }

    private async Task<Page> SignInToPageAsync(Browser browser, string email)
    {
        var signIn = await browser.OpenAsync(new Uri(_idp.Address, "account/api-tokens"));
        Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
        var page = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = email, ["Password"] = "demo-Passw0rd" });
        Assert.Equal("/account/api-tokens", page.Url.AbsolutePath);
        return page;
    }
}
