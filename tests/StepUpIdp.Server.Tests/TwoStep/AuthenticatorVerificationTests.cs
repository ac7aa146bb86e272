using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.TwoStep.TwoStepSteps;

namespace StepUpIdp.Server.Tests.TwoStep;

/// <summary>
/// Authenticator apps end to end: enrolment reads the key as an app reads the QR code, codes are
/// computed with Otp.NET, and the IdP's clock is placed by the test to check drift and replay.
/// </summary>
[Trait("Category", "Redis")]
public sealed class AuthenticatorVerificationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = NewClock();
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _idp = new IdpHost(clock: _clock, settings: new Dictionary<string, string?> { ["Idp:SessionLifetimeMinutes"] = "1440", ["Idp:SessionIdleMinutes"] = "1440" });
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
        // "Verify at every sign-in", so that each new sign-in below asks for a code again.
        await _idp.SetAcmePolicyAsync(policy => policy.ReverifyEverySeconds = 0);
    }

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Enrolled_user_signs_in_with_a_computed_code_gets_2sv_and_the_same_code_is_refused_afterwards()
    {
        var (app, _) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30)); // the enrolment used this step's code

        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        Assert.Equal("/account/verify-authenticator", verifyPage.Url.AbsolutePath);
        Assert.Contains("Acme", verifyPage.Text("#why"));
        Assert.NotNull(verifyPage.Document.QuerySelector("#use-email")); // email_otp counts too under the demo policy
        var code = app.Code();
        var idToken = await IdTokenAsync(flow, await browser.SubmitAsync(verifyPage, new Dictionary<string, string> { ["Code"] = code }, "#totp-form"));

        Assert.Equal("urn:stepupidp:acr:2sv", idToken.GetClaim("acr").Value);
        Assert.Equal(["pwd", "otp", "mfa"], idToken.StringArray("amr"));
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), idToken.GetPayloadValue<long>("verified_at"));

        _clock.Advance(TimeSpan.FromSeconds(1)); // a later sign-in, still within the same 30-second step
        using var other = new Browser { StopAt = Callback };
        var again = await other.SignInAsync(await other.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        var refused = await other.SubmitAsync(again, new Dictionary<string, string> { ["Code"] = code }, "#totp-form");
        Assert.Equal("/account/verify-authenticator", refused.Url.AbsolutePath);
        Assert.Contains("already used", refused.Text("#code-error"));
    }

    [Fact]
    public async Task On_an_exempt_app_that_asks_for_2sv_the_page_says_the_app_asks_not_the_org_policy()
    {
        await _idp.RegisterPublicAppAsync("acme-relay", "acme", Callback, AppEnforcement.Exempt);
        await _idp.GrantAsync("acme-relay", "bob@partner.test", AppRole.User);
        await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");

        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-relay", Callback);
        var page = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri(extra: "acr_values=urn%3Astepupidp%3Aacr%3A2sv")), "bob@partner.test");

        Assert.Equal("/account/verify-authenticator", page.Url.AbsolutePath);
        var why = page.Text("#why");
        Assert.Contains("acme-relay of Acme asks", why);
        Assert.DoesNotContain("outside the organisation", why);
    }

    [Fact]
    public async Task Drift_of_one_step_either_way_is_accepted_and_two_steps_are_refused()
    {
        var (app, _) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromMinutes(5));

        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var page = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        foreach (var steps in new[] { -2, 2 })
        {
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = app.Code(steps) }, "#totp-form");
            Assert.Contains("isn't right", page.Text("#code-error"));
        }

        // A phone one step behind, then (at the next sign-in) one step ahead.
        CodeFrom(await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = app.Code(-1) }, "#totp-form"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        using var ahead = new Browser { StopAt = Callback };
        var aheadPage = await ahead.SignInAsync(await ahead.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        CodeFrom(await ahead.SubmitAsync(aheadPage, new Dictionary<string, string> { ["Code"] = app.Code(1) }, "#totp-form"));
    }

    [Fact]
    public async Task Recovery_codes_work_once_each_and_their_use_is_audited()
    {
        var (_, recoveryCodes) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");

        using var first = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var page = await first.SignInAsync(await first.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        var idToken = await IdTokenAsync(flow, await first.SubmitAsync(page, new Dictionary<string, string> { ["RecoveryCode"] = recoveryCodes[0] }, "#recovery-form"));
        Assert.Equal("urn:stepupidp:acr:2sv", idToken.GetClaim("acr").Value);

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var second = new Browser { StopAt = Callback };
        page = await second.SignInAsync(await second.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        page = await second.SubmitAsync(page, new Dictionary<string, string> { ["RecoveryCode"] = recoveryCodes[0].ToUpperInvariant() }, "#recovery-form");
        Assert.Contains("already used", page.Text("#recovery-error"));
        CodeFrom(await second.SubmitAsync(page, new Dictionary<string, string> { ["RecoveryCode"] = recoveryCodes[1] }, "#recovery-form"));

        using var admin = await AdminClient.ForAsync(_idp, "alice@acme.test");
        var audit = await admin.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit?pageSize=200");
        var actions = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(2, actions.Count(a => a == "totp.recovery_code_used"));
        Assert.Contains("totp.enrolled", actions);
        Assert.Contains("verification.failed", actions);
        Assert.DoesNotContain(recoveryCodes[1], audit.GetRawText());
    }

    [Fact]
    public async Task Wrong_authenticator_codes_count_toward_the_verification_lock_out()
    {
        var (app, _) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromMinutes(1));
        using var browser = new Browser { StopAt = Callback };
        var page = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        var wrong = app.Code(5);
        for (var i = 0; i < 10; i++)
        {
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = wrong }, "#totp-form");
        }

        Assert.Contains("paused for 15 minutes", page.Text("#code-error"));
        page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = app.Code() }, "#totp-form");
        Assert.Contains("paused", page.Text("#code-error"));
    }

    [Fact]
    public async Task Removing_the_authenticator_needs_a_fresh_code_from_it()
    {
        var (app, _) = await EnrolOnOwnPageAsync(_idp, _clock, "bob@partner.test");
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var browser = new Browser();
        var page = await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/authenticator")), "bob@partner.test");
        Assert.Equal("10", page.Text("#recovery-codes-left"));

        page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = app.Code(3) }, "#remove-form");
        Assert.Contains("isn't right", page.Text("#remove-error"));
        page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = app.Code() }, "#remove-form");
        Assert.NotNull(page.Text("#notice"));

        // Enrolling again asks bob to confirm his mailbox first, as any new enrolment does.
        var fresh = await browser.OpenAsync(new Uri(_idp.Address, "account/authenticator"));
        Assert.NotNull(fresh.Document.QuerySelector("#confirm-link"));
        Assert.Null(fresh.Document.QuerySelector("#enrol-form"));
    }
}
