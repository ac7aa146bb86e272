using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Admin;

/// <summary>
/// The admin web pages for people, driven as a browser would, with the admin API
/// (the other door to the same rules) to check what was and was not stored. One host for the class; each test
/// has an org of its own, set up as the demo's acme, with an app like demo-spa.
/// </summary>
public sealed class AdminPagesTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly SmtpSink _mail = shared.Mail;
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string _app = null!;
    private Browser _alice = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _app = $"{_org.Id}-spa";
        await _idp.RegisterPublicAppAsync(_app, _org.Id, new Uri("http://127.0.0.1:8765/callback"), StepUpIdp.Domain.Policy.AppEnforcement.Enforced, "eng", "sales");
        // As demo-spa's: three people with a role (the guest allowance counts them).
        await _idp.GrantAsync(_app, _org.Admin, AppRole.Admin);
        await _idp.GrantAsync(_app, _org.Member, AppRole.User);
        await _idp.GrantAsync(_app, _org.External, AppRole.User);
        _alice = await StepUp.AdminAsync(_idp, _org.Admin, _org.Id, _from);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        return Task.CompletedTask;
    }

    private Uri Url(string path) => new(_idp.Address, path);

    [Fact]
    public async Task Without_a_session_the_admin_pages_send_to_sign_in_and_back()
    {
        var ann = $"ann@{_org.Id}.test";
        await _idp.AddAccountAsync(ann, _org.Id);
        await _idp.MakeOrgAdminAsync(_org.Id, ann);
        using var browser = new Browser(_from);
        var signIn = await browser.OpenAsync(Url($"admin/{_org.Id}/policy"));

        Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
        Assert.Contains($"returnurl=%2Fadmin%2F{_org.Id}%2Fpolicy", signIn.Url.Query, StringComparison.OrdinalIgnoreCase);

        // A password is not enough for the admin pages: an emailed code follows, then the page.
        var verify = await browser.SignInAsync(signIn, ann);
        Assert.Equal("/account/verify", verify.Url.AbsolutePath);
        var policy = await browser.VerifyWithEmailedCodeAsync(verify, _mail, ann);
        Assert.Equal($"/admin/{_org.Id}/policy", policy.Url.AbsolutePath);
    }

    [Fact]
    public async Task The_org_picker_lists_the_orgs_the_account_administers()
    {
        var picker = await _alice.OpenAsync(Url("admin"));

        Assert.NotNull(picker.Document.QuerySelector($"#organisations li[data-org='{_org.Id}']"));
    }

    [Fact]
    public async Task The_policy_page_offers_the_interval_presets_and_a_custom_value()
    {
        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/policy"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        PageAssert.FieldsAreLabelled(page);
        var labels = page.Document.QuerySelectorAll("label").Select(l => l.TextContent.Trim()).ToList();
        foreach (var preset in new[] { "1 hour", "1 day", "7 days", "30 days", "90 days", "Custom" })
        {
            Assert.Contains(preset, labels);
        }

        Assert.NotNull(page.Document.QuerySelector("input[name='Interval'][value='P1D'][checked]"));
        Assert.NotNull(page.Document.QuerySelector("input[name='CustomValue']"));
    }

    [Fact]
    public async Task An_invalid_custom_interval_shows_its_error_next_to_the_field_and_stores_nothing()
    {
        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/policy"));
        var answer = await _alice.SubmitAsync(page, new Dictionary<string, string>
        {
            ["Interval"] = "custom",
            ["CustomValue"] = "PT1M",
            ["Intent"] = "save",
        }, "#policy-form");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("5 minutes", answer.Text("#reverifyEvery-error"));
        Assert.Equal("PT1M", answer.Document.QuerySelector("#custom-interval")!.GetAttribute("value"));
        PageAssert.FieldsAreLabelled(answer);
        using var api = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, session: _alice);
        var stored = await api.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policy");
        Assert.Equal("P1D", stored.GetProperty("reverifyEvery").GetString());
    }

    [Fact]
    public async Task Preview_names_who_would_lose_api_tokens_before_saving_and_save_changes_the_policy()
    {
        await _idp.AddApiTokenAsync(_org.External, _org.Id);
        using var api = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, session: _alice);
        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/policy"));

        var preview = await _alice.SubmitAsync(page, new Dictionary<string, string> { ["ApiTokens"] = "block", ["Intent"] = "preview" }, "#policy-form");

        Assert.Contains(_org.External, preview.Text("#preview-lose-api-tokens"));
        Assert.DoesNotContain(_org.Admin, preview.Text("#preview-lose-api-tokens"));
        Assert.NotNull(preview.Document.QuerySelector("#api-tokens-block[checked]"));
        var unchanged = await api.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policy");
        Assert.Equal("allow", unchanged.GetProperty("apiTokens").GetString());

        var saved = await _alice.SubmitAsync(preview, new Dictionary<string, string> { ["Intent"] = "save" }, "#policy-form");

        Assert.NotNull(saved.Document.QuerySelector("#saved"));
        var stored = await api.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policy");
        Assert.Equal("block", stored.GetProperty("apiTokens").GetString());
        Assert.Equal("P1D", stored.GetProperty("reverifyEvery").GetString());
        var audit = await _alice.OpenAsync(Url($"admin/{_org.Id}/audit"));
        Assert.Equal("policy.changed", audit.Text("#audit tbody tr .action"));
        Assert.Contains("apiTokens allow -> block", audit.Text("#audit tbody tr"));
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_gets_403_and_so_does_an_unknown_org()
    {
        using var dave = new Browser(_from);
        await dave.SignInAsync(await dave.OpenAsync(Url("account/signin")), _org.Member);

        foreach (var path in new[] { $"admin/{_org.Id}/policy", $"admin/{_org.Id}/external-users", $"admin/{_org.Id}/apps/{_app}/guests", $"admin/{_org.Id}/audit" })
        {
            var page = await dave.OpenAsync(Url(path));
            Assert.Equal(HttpStatusCode.Forbidden, page.Status);
            Assert.Equal("You cannot see this page", page.Text("h1"));
        }

        var unknown = await _alice.OpenAsync(Url("admin/no-such-org/policy"));
        Assert.Equal(HttpStatusCode.Forbidden, unknown.Status);
        Assert.Equal("You cannot see this page", unknown.Text("h1"));
    }

    [Fact]
    public async Task A_page_post_without_the_antiforgery_token_is_refused()
    {
        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/policy"));
        var answer = await _alice.SubmitAsync(page, new Dictionary<string, string> { ["__RequestVerificationToken"] = "forged", ["Intent"] = "save", ["ApiTokens"] = "block" }, "#policy-form");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
    }

    [Fact]
    public async Task The_external_users_page_lists_bob_and_resets_his_verification()
    {
        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/external-users"));

        PageAssert.FieldsAreLabelled(page);
        var bobRow = page.Document.QuerySelectorAll("#external-users tbody tr").Single(r => r.TextContent.Contains(_org.External, StringComparison.Ordinal));
        Assert.DoesNotContain(page.Document.QuerySelectorAll("#external-users tbody tr"), r => r.TextContent.Contains(_org.Admin, StringComparison.Ordinal));
        var bobId = bobRow.GetAttribute("data-account-id");

        var after = await _alice.SubmitAsync(page, new Dictionary<string, string>(), $"form.reset-verification[data-account-id='{bobId}']");

        Assert.Equal($"/admin/{_org.Id}/external-users", after.Url.AbsolutePath);
        Assert.Contains("verification was reset", after.Text("#outcome"));
        var audit = await _alice.OpenAsync(Url($"admin/{_org.Id}/audit"));
        var reset = audit.Document.QuerySelectorAll("#audit tbody tr").First(r => r.QuerySelector(".action")!.TextContent == "verification.reset");
        Assert.Contains(_org.External, reset.TextContent);
    }

    [Fact]
    public async Task The_guests_page_invites_carol_to_eng_and_lists_her()
    {
        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/apps/{_app}/guests"));
        PageAssert.FieldsAreLabelled(page);
        Assert.NotNull(page.Document.QuerySelector("label[for='emails']"));

        var answer = await _alice.SubmitAsync(page, new Dictionary<string, string> { ["Emails"] = "carol@vendor.test", ["Spaces"] = "eng" }, "#invite-form");

        Assert.Contains("carol@vendor.test is now a guest", answer.Text("#invited"));
        var carol = answer.Document.QuerySelectorAll("#guests tbody tr").Single(r => r.TextContent.Contains("carol@vendor.test", StringComparison.Ordinal));
        Assert.NotNull(carol.QuerySelector("input[name='guestSpaces'][value='eng'][checked]"));
        Assert.Null(carol.QuerySelector("input[name='guestSpaces'][value='sales'][checked]"));
        Assert.Contains("no end date", carol.TextContent);
        PageAssert.FieldsAreLabelled(answer);
        var invitation = await _mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == "carol@vendor.test"), TimeSpan.FromSeconds(10));
        Assert.Contains($"account/guest?app={_app}", invitation.TextBody);
    }

    [Fact]
    public async Task An_invitation_without_a_space_shows_the_error_and_invites_nobody()
    {
        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/apps/{_app}/guests"));

        var answer = await _alice.SubmitAsync(page, new Dictionary<string, string> { ["Emails"] = "erin@vendor.test" }, "#invite-form");

        Assert.NotNull(answer.Text("#spaces-error"));
        Assert.DoesNotContain("erin@vendor.test", answer.Text("#guests") ?? string.Empty);
    }
}
