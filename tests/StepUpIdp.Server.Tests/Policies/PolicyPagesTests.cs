using System.Net;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Policies;

/// <summary>The admin pages for several policies, as an admin's browser uses them.</summary>
[Trait("Category", "Redis")]
public sealed class PolicyPagesTests : IAsyncLifetime
{
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;
    private Browser _alice = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        _alice = await StepUp.AdminAsync(_idp, "alice@acme.test");
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    private Uri Url(string path) => new(_idp.Address, path);

    [Fact]
    public async Task An_admin_adds_a_domain_policy_previews_who_moves_saves_it_and_sees_it_applied()
    {
        var form = await _alice.OpenAsync(Url("admin/acme/policy/new"));
        Assert.Equal(HttpStatusCode.OK, form.Status);
        PageAssert.FieldsAreLabelled(form);
        var fields = new Dictionary<string, string> { ["Name"] = "Partners", ["Domains"] = "partner.test", ["Interval"] = "PT1H" };

        var preview = await _alice.SubmitAsync(form, new Dictionary<string, string>(fields) { ["Intent"] = "preview" }, "#policy-form");
        Assert.Contains("bob@partner.test", preview.Text("#preview-moves"));
        Assert.Contains("from default policy to policy \"Partners\"", preview.Text("#preview-moves"));
        Assert.DoesNotContain("carol@other.test", preview.Text("#preview-moves"));

        var saved = await _alice.SubmitAsync(preview, new Dictionary<string, string>(fields) { ["Intent"] = "save" }, "#policy-form");
        Assert.NotNull(saved.Document.QuerySelector("#saved"));
        Assert.StartsWith("/admin/acme/policy/pol_", saved.Url.AbsolutePath, StringComparison.Ordinal);
        var row = saved.Document.QuerySelectorAll("#policies tbody tr").Single(r => r.TextContent.Contains("Partners", StringComparison.Ordinal));
        Assert.Contains("partner.test", row.QuerySelector(".for")!.TextContent);
        Assert.Contains("1 hour", row.TextContent);

        var users = await _alice.OpenAsync(Url("admin/acme/external-users"));
        string PolicyOf(string email) => users.Document.QuerySelectorAll("#external-users tbody tr")
            .Single(r => r.TextContent.Contains(email, StringComparison.Ordinal)).QuerySelector(".policy")!.TextContent.Trim();
        Assert.Equal("Partners", PolicyOf("bob@partner.test"));
        Assert.Equal("Default", PolicyOf("carol@other.test"));

        var removed = await _alice.SubmitAsync(saved, new Dictionary<string, string>(fields) { ["Intent"] = "delete" }, "#policy-form");
        Assert.NotNull(removed.Document.QuerySelector("#removed"));
        Assert.DoesNotContain(removed.Document.QuerySelectorAll("#policies tbody tr"), r => r.TextContent.Contains("Partners", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_orgs_own_domain_is_refused_next_to_the_field_and_nothing_is_stored()
    {
        var form = await _alice.OpenAsync(Url("admin/acme/policy/new"));

        var answer = await _alice.SubmitAsync(form, new Dictionary<string, string> { ["Name"] = "Staff", ["Domains"] = "acme.test", ["Intent"] = "save" }, "#policy-form");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("verified domain of this organisation", answer.Text("#domains-error"));
        Assert.Equal("acme.test", answer.Document.QuerySelector("#policy-domains")!.TextContent);
        Assert.Single(answer.Document.QuerySelectorAll("#policies tbody tr")); // the default policy alone
    }

    [Fact]
    public async Task The_pilot_form_takes_email_addresses_and_refuses_someone_who_is_not_external()
    {
        var form = await _alice.OpenAsync(Url("admin/acme/policy/new?scope=pilot"));
        Assert.NotNull(form.Document.QuerySelector("#pilot-accounts"));

        var answer = await _alice.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Name"] = "Pilot", ["PilotAccounts"] = "bob@partner.test\ndave@acme.test", ["Intent"] = "save",
        }, "#policy-form");

        Assert.Equal("\"dave@acme.test\" is not an external user of this organisation.", answer.Text("#pilotAccounts-error"));
    }
}
