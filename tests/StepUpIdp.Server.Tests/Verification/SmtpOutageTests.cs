using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Verification;

/// <summary>With the SMTP listener stopped, undelivered passcodes do not spend the person's send allowance.</summary>
[Trait("Category", "Redis")]
public sealed class SmtpOutageTests : IAsyncLifetime
{
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;
    private OidcRelyingParty _app = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail, settings: new Dictionary<string, string?> { ["Idp:SignInPostsPerMinutePerIp"] = "1000" });
        _app = await _idp.StartPublicAppAsync("acme-wiki", "acme", AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task Sends_that_could_not_be_delivered_are_not_counted_and_the_person_is_told_each_time()
    {
        // The admin signs in (with an emailed code) while mail still works.
        using var alice = await AdminClient.ForAsync(_idp, "alice@acme.test");
        using var browser = new Browser();
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), "bob@partner.test");
        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        await _mail.DisposeAsync(); // the SMTP listener stops

        // More than the five sends a window allows, and faster than the resend cool-down: none of them counts.
        for (var attempt = 1; attempt <= 7; attempt++)
        {
            var answer = await browser.SubmitAsync(verifyPage, new Dictionary<string, string>(), "#send-form");
            var text = answer.Document.Body?.TextContent ?? string.Empty;
            Assert.Contains("couldn't send the email", text);
            Assert.DoesNotContain("Too many", text);
        }

        var audit = await alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit?pageSize=100");
        Assert.Equal(7, audit.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "verification.passcode_delivery_failed"));
    }
}
