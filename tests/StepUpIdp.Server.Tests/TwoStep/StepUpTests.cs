using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;
using static StepUpIdp.Server.Tests.TwoStep.TwoStepSteps;

namespace StepUpIdp.Server.Tests.TwoStep;

/// <summary>
/// The external-user policy with two-step verification required, and step-up on request for every user (OIDC Core
/// 3.1.2.1): acr_values, max_age and prompt=login, and an acr that cannot be reached ending in an OAuth error.
/// </summary>
[Trait("Category", "Redis")]
public sealed class StepUpTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = NewClock();
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail, clock: _clock, settings: new Dictionary<string, string?> { ["Idp:SessionLifetimeMinutes"] = "1440", ["Idp:SessionIdleMinutes"] = "1440" });
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "alice@acme.test", AppRole.Admin);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task With_the_org_requiring_2sv_bobs_emailed_passcode_no_longer_counts_and_he_is_taken_through_enrolment()
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        Assert.Equal("urn:stepupidp:acr:otp", (await IdTokenAsync(flow, await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail, "bob@partner.test"))).GetClaim("acr").Value);

        await _idp.SetAcmePolicyAsync(policy => policy.RequireTwoStepVerification = true);
        _clock.Advance(TimeSpan.FromMinutes(1));
        flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var enrolPage = await browser.OpenAsync(flow.AuthorizeUri());

        Assert.Equal("/account/authenticator", enrolPage.Url.AbsolutePath);
        Assert.Contains("Acme", enrolPage.Text("#why"));
        Assert.Equal("one-time-code", enrolPage.Document.QuerySelector("#code")?.GetAttribute("autocomplete"));
        // His emailed code a minute ago proved the mailbox in this session: the enrolment starts at once.
        var app = AuthenticatorApp.ReadFrom(enrolPage, _clock);
        var (codesPage, _) = await app.EnrolAsync(browser, enrolPage);
        var continueUrl = codesPage.Document.QuerySelector("#continue")?.GetAttribute("href");
        Assert.StartsWith("/connect/authorize?", continueUrl);

        // The enrolment code is no verification: the request asks for the app's next code.
        var verifyNow = await browser.OpenAsync(new Uri(_idp.Address, continueUrl));
        Assert.Equal("/account/verify-authenticator", verifyNow.Url.AbsolutePath);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var idToken = await IdTokenAsync(flow, await browser.SubmitAsync(verifyNow, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form"));
        Assert.Equal("urn:stepupidp:acr:2sv", idToken.GetClaim("acr").Value);
        Assert.Equal(["pwd", "otp", "mfa"], idToken.StringArray("amr"));
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), idToken.GetPayloadValue<long>("verified_at"));
    }

    [Fact]
    public async Task A_refresh_after_the_policy_stops_counting_the_authenticator_says_the_acr_that_still_counts()
    {
        // One session with both: an emailed passcode (acr otp), then the authenticator for an app asking 2sv.
        using var browser = new Browser { StopAt = Callback };
        var first = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(first.AuthorizeUri()), "bob@partner.test");
        await IdTokenAsync(first, await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail, "bob@partner.test"));
        _clock.Advance(TimeSpan.FromSeconds(30)); // the enrolment's own emailed code, past the cool-down
        var (app, _) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30));
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var totpPage = await browser.OpenAsync(flow.AuthorizeUri(extra: "acr_values=urn%3Astepupidp%3Aacr%3A2sv"));
        Assert.Equal("/account/verify-authenticator", totpPage.Url.AbsolutePath);
        var (status, body) = await flow.RedeemAsync(CodeFrom(await browser.SubmitAsync(totpPage, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form")));
        Assert.Equal(200, status);
        Assert.Equal("urn:stepupidp:acr:2sv", Tokens.Read(body.GetProperty("id_token").GetString()!).GetClaim("acr").Value);

        // Acme stops counting authenticator apps: the emailed passcode of this session still counts, the 2sv does not.
        await _idp.SetAcmePolicyAsync(policy => policy.Methods = "email_otp");
        _clock.Advance(TimeSpan.FromMinutes(1));
        var (refreshed, tokens) = await flow.RefreshAsync(body.GetProperty("refresh_token").GetString()!);

        Assert.Equal(200, refreshed);
        Assert.Equal("urn:stepupidp:acr:otp", Tokens.Read(tokens.GetProperty("id_token").GetString()!).GetClaim("acr").Value);
        Assert.Equal("urn:stepupidp:acr:otp", Tokens.Read(tokens.GetProperty("access_token").GetString()!).GetClaim("acr").Value);
    }

    [Fact]
    public async Task Declining_enrolment_sends_the_app_unmet_authentication_requirements_instead_of_looping()
    {
        await _idp.SetAcmePolicyAsync(policy => policy.RequireTwoStepVerification = true);
        using var browser = new Browser { StopAt = Callback };
        var enrolPage = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        Assert.Equal("/account/authenticator", enrolPage.Url.AbsolutePath);

        // A password alone cannot add an authenticator: the page asks for an emailed code first, and offers "Not now".
        Assert.Null(enrolPage.Document.QuerySelector("#qr-code"));
        Assert.StartsWith("/account/verify?", enrolPage.Document.QuerySelector("#confirm-link")?.GetAttribute("href"));
        var callback = await browser.SubmitAsync(enrolPage, new Dictionary<string, string>(), "#decline-form");

        Assert.Equal("unmet_authentication_requirements", CodeFlow.ReadCallback(callback).Error);
        Assert.Empty(_mail.Messages); // no emailed passcode was offered or sent
    }

    [Fact]
    public async Task Prompt_none_answers_interaction_required_when_enrolment_is_needed()
    {
        await _idp.SetAcmePolicyAsync(policy => policy.RequireTwoStepVerification = true);
        using var browser = new Browser { StopAt = Callback };
        await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");

        var callback = await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri(extra: "prompt=none"));

        Assert.Equal("interaction_required", CodeFlow.ReadCallback(callback).Error);
    }

    [Fact]
    public async Task Alice_asking_for_2sv_is_stepped_up_through_enrolment_and_later_with_a_code()
    {
        const string TwoStep = "acr_values=urn%3Astepupidp%3Aacr%3A2sv";
        using var browser = new Browser { StopAt = Callback };
        var plain = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var basic = await IdTokenAsync(plain, await browser.SignInAsync(await browser.OpenAsync(plain.AuthorizeUri()), "alice@acme.test"));
        Assert.Equal("urn:stepupidp:acr:basic", basic.GetClaim("acr").Value);

        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var enrolPage = await browser.OpenAsync(flow.AuthorizeUri(extra: TwoStep));
        Assert.Equal("/account/authenticator", enrolPage.Url.AbsolutePath);
        Assert.Contains("acme-wiki", enrolPage.Text("#why"));
        var app = AuthenticatorApp.ReadFrom(enrolPage, _clock);
        var (codesPage, _) = await app.EnrolAsync(browser, enrolPage);
        // The enrolment code proved only that the secret was copied, not who holds it: the request asks for the app's next code.
        var verifyNow = await browser.OpenAsync(new Uri(_idp.Address, codesPage.Document.QuerySelector("#continue")!.GetAttribute("href")!));
        Assert.Equal("/account/verify-authenticator", verifyNow.Url.AbsolutePath);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var steppedUp = await IdTokenAsync(flow, await browser.SubmitAsync(verifyNow, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form"));
        Assert.Equal("urn:stepupidp:acr:2sv", steppedUp.GetClaim("acr").Value);
        Assert.Equal("internal", steppedUp.GetClaim("user_type").Value);
        Assert.Equal(["pwd", "otp", "mfa"], steppedUp.StringArray("amr"));
        Assert.Equal(basic.GetPayloadValue<long>("auth_time"), steppedUp.GetPayloadValue<long>("auth_time")); // a step-up is not a new sign-in

        // A verification counts for the org's interval (P1D), like an emailed one; after it, another browser asks for
        // the password and then a code from the app.
        _clock.Advance(TimeSpan.FromDays(1));
        using var other = new Browser { StopAt = Callback };
        var next = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verifyPage = await other.SignInAsync(await other.OpenAsync(next.AuthorizeUri(extra: TwoStep)), "alice@acme.test");
        Assert.Equal("/account/verify-authenticator", verifyPage.Url.AbsolutePath);
        Assert.Null(verifyPage.Document.QuerySelector("#use-email")); // an emailed code never reaches 2sv
        var idToken = await IdTokenAsync(next, await other.SubmitAsync(verifyPage, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form"));
        Assert.Equal("urn:stepupidp:acr:2sv", idToken.GetClaim("acr").Value);
    }

    [Fact]
    public async Task Max_age_0_prompt_login_and_a_small_max_age_ask_for_sign_in_again_and_auth_time_moves()
    {
        using var browser = new Browser { StopAt = Callback };
        var first = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var firstAuthTime = (await IdTokenAsync(first, await browser.SignInAsync(await browser.OpenAsync(first.AuthorizeUri()), "alice@acme.test"))).GetPayloadValue<long>("auth_time");

        var previous = firstAuthTime;
        foreach (var extra in new[] { "max_age=0", "prompt=login", "max_age=60" })
        {
            _clock.Advance(TimeSpan.FromMinutes(2));
            var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
            var signIn = await browser.OpenAsync(flow.AuthorizeUri(extra: extra));
            Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
            var authTime = (await IdTokenAsync(flow, await browser.SignInAsync(signIn, "alice@acme.test"))).GetPayloadValue<long>("auth_time");
            Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), authTime);
            Assert.True(authTime > previous, extra);
            previous = authTime;
        }

        // Within max_age the session still counts: no new sign-in.
        _clock.Advance(TimeSpan.FromSeconds(30));
        var sso = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        Assert.Equal(previous, (await IdTokenAsync(sso, await browser.OpenAsync(sso.AuthorizeUri(extra: "max_age=60")))).GetPayloadValue<long>("auth_time"));
    }

    [Fact]
    public async Task Max_age_0_is_met_by_the_sign_in_and_the_code_of_this_request_however_slow_the_person_is()
    {
        var (app, _) = await EnrolOnOwnPageAsync(_idp, _clock, "alice@acme.test");
        _clock.Advance(TimeSpan.FromMinutes(1));

        // max_age=0 alone: the password typed seconds later is this request's sign-in.
        using var browser = new Browser { StopAt = Callback };
        var alone = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var signIn = await browser.OpenAsync(alone.AuthorizeUri(extra: "max_age=0"));
        _clock.Advance(TimeSpan.FromSeconds(7));
        Assert.NotNull((await IdTokenAsync(alone, await browser.SignInAsync(signIn, "alice@acme.test"))).GetClaim("auth_time"));

        // max_age=0 with acr_values 2sv: password, then the authenticator's code, each seconds apart, then the app.
        _clock.Advance(TimeSpan.FromMinutes(1));
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var again = await browser.OpenAsync(flow.AuthorizeUri(extra: "max_age=0&acr_values=urn%3Astepupidp%3Aacr%3A2sv"));
        Assert.Equal("/account/signin", again.Url.AbsolutePath);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var totpPage = await browser.SignInAsync(again, "alice@acme.test");
        Assert.Equal("/account/verify-authenticator", totpPage.Url.AbsolutePath);
        _clock.Advance(TimeSpan.FromSeconds(40));
        var callback = await browser.SubmitAsync(totpPage, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form");
        var idToken = await IdTokenAsync(flow, callback);
        Assert.Equal("urn:stepupidp:acr:2sv", idToken.GetClaim("acr").Value);
    }

    [Fact]
    public async Task Only_the_org_that_manages_the_account_resets_its_authenticator_and_he_enrols_again()
    {
        await _idp.SetAcmePolicyAsync(policy => policy.RequireTwoStepVerification = true);
        var (_, _) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        var bobId = await AccountIdAsync("bob@partner.test");
        await _idp.AddOrganisationAsync("partner", "Partner Ltd", "partner.test");
        await _idp.AddAccountAsync("pat@partner.test", "partner");
        await _idp.MakeOrgAdminAsync("partner", "pat@partner.test");

        using var acmeAdmin = await AdminClient.ForAsync(_idp, "alice@acme.test");
        var refused = await acmeAdmin.PostAsync($"api/orgs/acme/external-users/{bobId}/reset-authenticator", null);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        using var partnerAdmin = await AdminClient.ForAsync(_idp, "pat@partner.test", "partner");
        var reset = await partnerAdmin.PostAsync($"api/orgs/partner/external-users/{bobId}/reset-authenticator", null);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, reset.StatusCode);

        using var browser = new Browser { StopAt = Callback };
        var next = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        Assert.Equal("/account/authenticator", next.Url.AbsolutePath);

        var audit = await partnerAdmin.GetFromJsonAsync<JsonElement>("api/orgs/partner/audit?pageSize=200");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "totp.disabled" && e.GetProperty("subject").GetString() == bobId);
    }

    private async Task<string> AccountIdAsync(string email)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpIdp.Infrastructure.Data.StepUpDbContext>();
        return db.Accounts.Single(a => a.Email == email).Id;
    }
}
