using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.TwoStep;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>
/// A verification proves something about one sign-in session only (docs/sessions.md): a password typed in a
/// second browser never inherits the passcode or authenticator code entered in the first.
/// </summary>
[Trait("Category", "Redis")]
public sealed class SessionBoundVerificationTests : IAsyncLifetime
{
    private static readonly Uri Callback = AcmeWikiHost.Callback;
    private static readonly Uri ToolCallback = new("http://127.0.0.1:9/tool/callback");
    private readonly FakeTimeProvider _clock = TwoStepSteps.NewClock();
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync()
    {
        _wiki = await AcmeWikiHost.StartAsync(["bob@partner.test"], _clock);
        await _wiki.Idp.RegisterPublicAppAsync("acme-tool", "acme", ToolCallback, AppEnforcement.Exempt);
        await _wiki.Idp.GrantAsync("acme-tool", "bob@partner.test", AppRole.User);
    }

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    [Fact]
    public async Task A_passcode_entered_in_one_browser_does_not_count_in_another()
    {
        using var first = new Browser { StopAt = Callback };
        var verifyPage = await first.SignInAsync(await first.OpenAsync(_wiki.NewFlow().AuthorizeUri()), "bob@partner.test");
        TwoStepSteps.CodeFrom(await first.VerifyWithEmailedCodeAsync(verifyPage, _wiki.Mail, "bob@partner.test"));

        // The second browser, with the password alone, is asked for its own passcode, also when the app asks for otp.
        using var second = new Browser { StopAt = Callback };
        var asked = await second.SignInAsync(await second.OpenAsync(_wiki.NewFlow()
            .AuthorizeUri(extra: "acr_values=urn%3Astepupidp%3Aacr%3Aotp")), "bob@partner.test");
        Assert.Equal("/account/verify", asked.Url.AbsolutePath);

        // On an app the policy does not cover, the second browser's tokens say what it proved: a password, acr basic;
        // the first browser's say otp.
        var secondTokens = await ToolIdTokenAsync(second);
        Assert.Equal("urn:stepupidp:acr:basic", secondTokens.GetClaim("acr").Value);
        Assert.Equal(["pwd"], secondTokens.StringArray("amr"));
        var firstTokens = await ToolIdTokenAsync(first);
        Assert.Equal("urn:stepupidp:acr:otp", firstTokens.GetClaim("acr").Value);
        Assert.Equal(["pwd", "otp", "mfa"], firstTokens.StringArray("amr"));
        Assert.NotEqual(firstTokens.GetClaim("sid").Value, secondTokens.GetClaim("sid").Value);

        // Until it verifies itself: then it counts there too.
        _clock.Advance(TimeSpan.FromSeconds(31)); // past the resend cool-down of bob's passcodes
        var callback = await second.VerifyWithEmailedCodeAsync(asked, _wiki.Mail, "bob@partner.test");
        Assert.NotNull(CodeFlow.ReadCallback(callback).Code);
    }

    [Fact]
    public async Task A_copy_of_the_cookie_taken_before_the_passcode_does_not_share_the_verification()
    {
        using var first = new Browser { StopAt = Callback };
        var verifyPage = await first.SignInAsync(await first.OpenAsync(_wiki.NewFlow().AuthorizeUri()), "bob@partner.test");
        using var copy = new Browser { StopAt = Callback };
        copy.Cookies.Add(first.Cookies.GetAllCookies());
        Assert.Equal("/account/verify", (await copy.OpenAsync(_wiki.NewFlow().AuthorizeUri())).Url.AbsolutePath);

        Assert.NotNull(CodeFlow.ReadCallback(await first.VerifyWithEmailedCodeAsync(verifyPage, _wiki.Mail, "bob@partner.test")).Code);

        // The verification came with a new cookie: the copy of the old one is no longer the session's, and signs nobody in.
        Assert.Equal("/account/signin", (await copy.OpenAsync(_wiki.NewFlow().AuthorizeUri())).Url.AbsolutePath);
        Assert.Equal("login_required", CodeFlow.ReadCallback(await copy.OpenAsync(_wiki.NewFlow().AuthorizeUri(extra: "prompt=none"))).Error);
        Assert.NotNull(CodeFlow.ReadCallback(await first.OpenAsync(_wiki.NewFlow().AuthorizeUri(extra: "prompt=none"))).Code);
    }

    [Fact]
    public async Task Acr_2sv_is_never_given_to_a_session_that_did_not_use_the_authenticator()
    {
        const string TwoStep = "acr_values=urn%3Astepupidp%3Aacr%3A2sv";
        var (app, _) = await TwoStepSteps.EnrolOnOwnPageAsync(_wiki.Idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30)); // the enrolment used this time step's code

        using var first = new Browser { StopAt = Callback };
        var firstFlow = _wiki.NewFlow();
        var totpPage = await first.SignInAsync(await first.OpenAsync(firstFlow.AuthorizeUri(extra: TwoStep)), "bob@partner.test");
        Assert.Equal("/account/verify-authenticator", totpPage.Url.AbsolutePath);
        var callback = await first.SubmitAsync(totpPage, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form");
        var (_, tokens) = await firstFlow.RedeemAsync(TwoStepSteps.CodeFrom(callback));
        Assert.Equal("urn:stepupidp:acr:2sv", Tokens.Read(tokens.GetProperty("id_token").GetString()!).GetClaim("acr").Value);

        using var second = new Browser { StopAt = Callback };
        var asked = await second.SignInAsync(await second.OpenAsync(_wiki.NewFlow().AuthorizeUri(extra: TwoStep)), "bob@partner.test");
        Assert.Equal("/account/verify-authenticator", asked.Url.AbsolutePath);
        Assert.Null(CodeFlow.ReadCallback(asked).Code);
    }

    private async Task<Microsoft.IdentityModel.JsonWebTokens.JsonWebToken> ToolIdTokenAsync(Browser browser)
    {
        browser.StopAt = ToolCallback;
        try
        {
            var flow = new CodeFlow(_wiki.Idp.Address, "acme-tool", ToolCallback);
            var callback = await browser.OpenAsync(flow.AuthorizeUri());
            var (code, error, description) = CodeFlow.ReadCallback(callback);
            Assert.True(code is not null, $"{error}: {description} at {callback.Url}");
            var (status, body) = await flow.RedeemAsync(code);
            Assert.Equal(200, status);
            return Tokens.Read(body.GetProperty("id_token").GetString()!);
        }
        finally
        {
            browser.StopAt = Callback;
        }
    }
}
