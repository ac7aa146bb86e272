using System.Net;
using AngleSharp.Html.Dom;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// Pages work in a plain browser, every field has a label and the standard
/// autocomplete token, so password managers and phones can fill them.
/// </summary>
public sealed class PageConventionsTests(PageConventionsTests.Idp fixture) : IClassFixture<PageConventionsTests.Idp>
{
    public sealed class Idp : IAsyncLifetime
    {
        public IdpHost Host { get; } = new();
        public Task InitializeAsync() => Task.CompletedTask;
        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private const string Authorize = "/connect/authorize?client_id=demo-spa&response_type=code&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";

    [Theory]
    [InlineData("account/signin", "username current-password")]
    [InlineData("account/guest?app=demo-spa", "email")]
    [InlineData("account/forgot-password", "email")]
    public async Task Every_field_has_a_label_and_an_autocomplete_token(string path, string expectedTokens)
    {
        using var browser = new Browser();
        var page = await browser.OpenAsync(new Uri(fixture.Host.Address, path + (path.Contains('?') ? "&" : "?") + "returnUrl=" + Uri.EscapeDataString(Authorize)));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        PageAssert.FieldsAreLabelled(page);
        var tokens = page.Document.QuerySelectorAll("input").OfType<IHtmlInputElement>()
            .Where(i => i.Type != "hidden").Select(i => i.GetAttribute("autocomplete")).ToList();
        Assert.Equal(expectedTokens.Split(' '), tokens);
    }

    [Fact]
    public async Task A_form_sent_from_a_page_opened_before_signing_in_says_the_page_is_out_of_date()
    {
        using var browser = new Browser(LoopbackAddresses.Next()) { StopAt = new Uri("http://127.0.0.1:8765/callback") };
        var first = await browser.OpenAsync(new Uri(fixture.Host.Address, Authorize.TrimStart('/')));
        var second = await browser.OpenAsync(new Uri(fixture.Host.Address, Authorize.TrimStart('/')));
        Assert.NotNull(CodeFlow.ReadCallback(await browser.SignInAsync(first, "dave@acme.test")).Code);

        var stale = await browser.SignInAsync(second, "dave@acme.test");
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        Assert.Equal("This page is out of date", stale.Text("h1"));
    }

    [Fact]
    public async Task A_refused_passcode_form_says_the_page_is_out_of_date_whatever_code_it_carries()
    {
        using var browser = new Browser(LoopbackAddresses.Next()) { StopAt = new Uri("http://127.0.0.1:8765/callback") };
        var verify = await browser.SignInAsync(await browser.OpenAsync(new Uri(fixture.Host.Address, Authorize.TrimStart('/'))), "bob@partner.test");
        var codePage = await browser.SubmitAsync(verify, new Dictionary<string, string>(), "#send-form");

        // A form whose antiforgery token no longer holds (sent twice, or from another tab), with a passcode in its Code field.
        var refused = await browser.SubmitAsync(codePage,
            new Dictionary<string, string> { ["Code"] = "404", ["__RequestVerificationToken"] = "stale" }, "#verify-form");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("This page is out of date", refused.Text("h1"));
    }

    [Fact]
    public async Task A_missing_email_or_password_is_said_next_to_that_field()
    {
        using var browser = new Browser(LoopbackAddresses.Next());
        var signIn = await browser.OpenAsync(new Uri(fixture.Host.Address, "account/signin?returnUrl=" + Uri.EscapeDataString(Authorize)));

        var noEmail = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = "", ["Password"] = "demo-Passw0rd" });
        Assert.Contains("email address", noEmail.Text("#email-error"));
        Assert.Contains("email-error", noEmail.Document.QuerySelector("#email")!.GetAttribute("aria-describedby"));
        Assert.Null(noEmail.Text("#password-error"));

        var noPassword = await browser.SubmitAsync(noEmail, new Dictionary<string, string> { ["Email"] = "bob@partner.test", ["Password"] = "" });
        Assert.Contains("password", noPassword.Text("#password-error"));
        Assert.Contains("password-error", noPassword.Document.QuerySelector("#password")!.GetAttribute("aria-describedby"));
        Assert.Null(noPassword.Text("#email-error"));
        Assert.Equal("bob@partner.test", noPassword.Document.QuerySelector("#email")!.GetAttribute("value"));
    }

    [Fact]
    public async Task An_error_is_read_with_its_field_and_a_page_of_two_forms_has_no_id_twice()
    {
        using var browser = new Browser(LoopbackAddresses.Next()) { StopAt = new Uri("http://127.0.0.1:8765/callback") };
        var signIn = await browser.OpenAsync(new Uri(fixture.Host.Address, Authorize.TrimStart('/')));
        var wrong = await browser.SignInAsync(signIn, "bob@partner.test", "not-the-password");
        Assert.NotNull(wrong.Text("#signin-error"));
        PageAssert.FieldsAreLabelled(wrong);

        // The passcode page, once a code is sent, has the code form and the send-again form.
        var verify = await browser.SignInAsync(wrong, "bob@partner.test");
        Assert.Equal("/account/verify", verify.Url.AbsolutePath);
        var codePage = await browser.SubmitAsync(verify, new Dictionary<string, string>(), "#send-form");
        Assert.True(codePage.Document.QuerySelectorAll("form").Length >= 2);
        PageAssert.FieldsAreLabelled(codePage);
        var checkedWrong = await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = "000000" }, "#verify-form");
        Assert.NotNull(checkedWrong.Text("#code-error"));
        PageAssert.FieldsAreLabelled(checkedWrong);
    }

    [Theory]
    [InlineData("account/signin")]
    [InlineData("connect/authorize")] // a bad request: the error page
    public async Task Pages_cannot_be_framed_cached_or_leak_their_address(string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.GetAsync(new Uri(fixture.Host.Address, path));

        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task The_stylesheet_pages_link_to_is_served()
    {
        using var browser = new Browser();
        var page = await browser.OpenAsync(new Uri(fixture.Host.Address, "account/signin"));
        var href = page.Document.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;

        using var http = new HttpClient();
        var css = await http.GetAsync(new Uri(fixture.Host.Address, href));
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }
}
