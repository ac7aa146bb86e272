using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Verification;

/// <summary>
/// External-user verification end to end: an external user reaching an enforced app proves who they are with a
/// passcode that arrives by email over SMTP, and the relying party's tokens say so; internal users are not asked.
/// </summary>
[Trait("Category", "Redis")]
public sealed class ExternalVerificationTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly SmtpSink _mail = shared.Mail;
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private OidcRelyingParty _app = null!;
    private OidcRelyingParty _exemptApp = null!;

    /// <summary>The two apps, registered once for the class; each test but the first two signs in a new external user.</summary>
    public async Task InitializeAsync()
    {
        _app = await shared.OnceAsync("acme-wiki", async () =>
        {
            var app = await _idp.StartPublicAppAsync("acme-wiki", "acme", AppEnforcement.Enforced);
            await _idp.GrantAsync("acme-wiki", "alice@acme.test", AppRole.Admin);
            await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
            return app;
        });
        _exemptApp = await shared.OnceAsync("acme-relay", () => _idp.StartPublicAppAsync("acme-relay", "acme", AppEnforcement.Exempt));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task External_user_verifies_with_an_emailed_passcode_and_the_tokens_say_so()
    {
        using var browser = new Browser(_from);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), "bob@partner.test");

        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        Assert.Contains("Acme", verifyPage.Text("#why"));
        var outcome = SignInOutcome.From(await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail, "bob@partner.test")).Succeeded();

        var email = _mail.Messages.Last(m => m.To.Mailboxes.Any(b => b.Address == "bob@partner.test"));
        Assert.Contains("Acme", email.Subject);
        Assert.DoesNotMatch(@"\d{6}", email.Subject);
        Assert.Contains("10 minutes", email.TextBody);

        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, outcome.IdToken!, "acme-wiki");
        Assert.Equal("external", idToken.GetClaim("user_type").Value);
        Assert.Equal("urn:stepupidp:acr:otp", idToken.GetClaim("acr").Value);
        Assert.Equal(["pwd", "otp", "mfa"], idToken.StringArray("amr"));
        var verifiedAt = idToken.GetPayloadValue<long>("verified_at");
        var reverifyAt = idToken.GetPayloadValue<long>("reverify_at");
        Assert.Equal(TimeSpan.FromDays(1).TotalSeconds, reverifyAt - verifiedAt); // demo policy: P1D
        Assert.True(Tokens.Read(outcome.AccessToken!).GetPayloadValue<long>("exp") <= reverifyAt);
    }

    [Fact]
    public async Task Internal_user_signs_in_to_the_same_app_without_a_passcode()
    {
        using var browser = new Browser(_from);
        var landed = await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), "alice@acme.test");

        var idToken = Tokens.Read(SignInOutcome.From(landed).Succeeded().IdToken!);
        Assert.Equal("internal", idToken.GetClaim("user_type").Value);
        Assert.Equal("urn:stepupidp:acr:basic", idToken.GetClaim("acr").Value);
        Assert.False(idToken.TryGetPayloadValue<long>("verified_at", out _));
    }

    [Fact]
    public async Task A_live_single_sign_on_session_does_not_skip_the_passcode()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki", "acme-relay");
        using var browser = new Browser(_from);
        SignInOutcome.From(await browser.SignInAsync(await browser.OpenAsync(_exemptApp.LoginUri()), email)).Succeeded();

        var next = await browser.OpenAsync(_app.LoginUri());

        Assert.Equal("/account/verify", next.Url.AbsolutePath);
    }

    [Fact]
    public async Task Prompt_none_answers_interaction_required_when_a_passcode_is_due()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki", "acme-relay");
        using var browser = new Browser(_from);
        SignInOutcome.From(await browser.SignInAsync(await browser.OpenAsync(_exemptApp.LoginUri()), email)).Succeeded();

        var outcome = SignInOutcome.From(await browser.OpenAsync(_app.LoginUri("prompt=none")));

        Assert.Equal("interaction_required", outcome.Error);
    }

    [Fact]
    public async Task The_passcode_page_says_the_app_asks_when_the_org_policy_does_not_apply()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki", "acme-relay");
        using var browser = new Browser(_from);

        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(_exemptApp.LoginUri("acr_values=urn:stepupidp:acr:otp")), email);

        // The exempt app asked with acr_values; Acme's every-day rule for external users is not why the code is asked.
        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        var why = verifyPage.Text("#why");
        Assert.Contains("Acme", why);
        Assert.DoesNotContain("every day", why);
        Assert.DoesNotContain("outside the organisation", why);
    }

    [Fact]
    public async Task A_locked_external_user_is_told_so_on_the_passcode_page_and_not_sent_to_an_org_that_cannot_unlock_them()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki", "acme-relay");
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var id = await scope.ServiceProvider.GetRequiredService<StepUpDbContext>().Accounts.Where(a => a.Email == email).Select(a => a.Id).SingleAsync();
            var failures = _idp.Services.GetRequiredService<VerificationFailures>();
            for (var i = 0; i < 10; i++)
            {
                await failures.BeginAsync(id, DateTimeOffset.UtcNow);
            }
        }

        using var browser = new Browser(_from);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), email);
        var page = await browser.SubmitAsync(verifyPage, new Dictionary<string, string>(), "#send-form");

        // Only the organisation that manages partner.test could lift the lock, and none does: Acme's admins cannot.
        var locked = page.Text("#locked");
        Assert.NotNull(locked);
        Assert.Contains("paused for 15 minutes", locked);
        Assert.DoesNotContain("administrator of Acme", locked);
    }

    [Fact]
    public async Task Wrong_codes_say_how_many_tries_are_left_until_the_code_is_discarded()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki", "acme-relay");
        using var browser = new Browser(_from);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), email);
        var page = await browser.SubmitAsync(verifyPage, new Dictionary<string, string>(), "#send-form");
        PageAssert.FieldsAreLabelled(page);
        Assert.Equal("one-time-code", page.Document.QuerySelector("#code")!.GetAttribute("autocomplete"));
        var code = await People.ReadCodeAsync(_mail, email, 0);
        var wrong = code == "000000" ? "111111" : "000000";

        page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = wrong }, "#verify-form");
        Assert.Contains("4 tries left", page.Text("#code-error"));
        for (var i = 0; i < 4; i++)
        {
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = wrong }, "#verify-form");
        }

        Assert.Contains("Too many wrong tries", page.Text("#code-error"));
        page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = code }, "#verify-form");
        Assert.Contains("Ask for a new code", page.Text("#code-error"));
    }

    [Fact]
    public async Task The_audit_log_records_sends_and_verifications_but_never_the_code()
    {
        var email = await _idp.AddExternalUserAsync("acme-wiki", "acme-relay");
        using var browser = new Browser(_from);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), email);
        var before = _mail.Messages.Count;
        SignInOutcome.From(await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail, email)).Succeeded();
        var code = await People.ReadCodeAsync(_mail, email, before);

        using var admin = await AdminClient.ForAsync(_idp, "alice@acme.test", from: _from);
        var audit = await admin.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit?pageSize=200");
        var entries = audit.GetProperty("entries").EnumerateArray().ToList();

        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "verification.passcode_sent");
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "verification.verified" && e.GetProperty("outcome").GetString() == "success");
        Assert.DoesNotContain(code, audit.GetRawText());
    }
}
