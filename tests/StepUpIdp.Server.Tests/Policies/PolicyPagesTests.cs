using System.Net;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Policies;

/// <summary>The admin pages for several policies, as an admin's browser uses them.</summary>
/// <remarks>
/// The tests share one host (tests/README.md, "One host for a test class"): each has an org like acme of its own, with
/// a second external member on another domain (as carol is in acme), and signs in from an address of its own.
/// </remarks>
[Trait("Category", "Redis")]
public sealed class PolicyPagesTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string Carol => $"carol@other-{_org.Id}.test";
    private string PartnerDomain => _org.External[(_org.External.IndexOf('@') + 1)..];
    private Browser _alice = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        await _idp.AddAccountAsync(Carol, _org.Id);
        _alice = await StepUp.AdminAsync(_idp, _org.Admin, _org.Id, from: _from);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        return Task.CompletedTask;
    }

    private Uri Url(string path) => new(_idp.Address, path);

    [Fact]
    public async Task An_admin_adds_a_domain_policy_previews_who_moves_saves_it_and_sees_it_applied()
    {
        var form = await _alice.OpenAsync(Url($"admin/{_org.Id}/policy/new"));
        Assert.Equal(HttpStatusCode.OK, form.Status);
        PageAssert.FieldsAreLabelled(form);
        var fields = new Dictionary<string, string> { ["Name"] = "Partners", ["Domains"] = PartnerDomain, ["Interval"] = "PT1H" };

        var preview = await _alice.SubmitAsync(form, new Dictionary<string, string>(fields) { ["Intent"] = "preview" }, "#policy-form");
        Assert.Contains(_org.External, preview.Text("#preview-moves"));
        Assert.Contains("from default policy to policy \"Partners\"", preview.Text("#preview-moves"));
        Assert.DoesNotContain(Carol, preview.Text("#preview-moves"));

        var saved = await _alice.SubmitAsync(preview, new Dictionary<string, string>(fields) { ["Intent"] = "save" }, "#policy-form");
        Assert.NotNull(saved.Document.QuerySelector("#saved"));
        Assert.StartsWith($"/admin/{_org.Id}/policy/pol_", saved.Url.AbsolutePath, StringComparison.Ordinal);
        var row = saved.Document.QuerySelectorAll("#policies tbody tr").Single(r => r.TextContent.Contains("Partners", StringComparison.Ordinal));
        Assert.Contains(PartnerDomain, row.QuerySelector(".for")!.TextContent);
        Assert.Contains("1 hour", row.TextContent);

        var users = await _alice.OpenAsync(Url($"admin/{_org.Id}/external-users"));
        string PolicyOf(string email) => users.Document.QuerySelectorAll("#external-users tbody tr")
            .Single(r => r.TextContent.Contains(email, StringComparison.Ordinal)).QuerySelector(".policy")!.TextContent.Trim();
        Assert.Equal("Partners", PolicyOf(_org.External));
        Assert.Equal("Default", PolicyOf(Carol));

        var removed = await _alice.SubmitAsync(saved, new Dictionary<string, string>(fields) { ["Intent"] = "delete" }, "#policy-form");
        Assert.NotNull(removed.Document.QuerySelector("#removed"));
        Assert.DoesNotContain(removed.Document.QuerySelectorAll("#policies tbody tr"), r => r.TextContent.Contains("Partners", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_orgs_own_domain_is_refused_next_to_the_field_and_nothing_is_stored()
    {
        var form = await _alice.OpenAsync(Url($"admin/{_org.Id}/policy/new"));

        var answer = await _alice.SubmitAsync(form, new Dictionary<string, string> { ["Name"] = "Staff", ["Domains"] = $"{_org.Id}.test", ["Intent"] = "save" }, "#policy-form");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("verified domain of this organisation", answer.Text("#domains-error"));
        Assert.Equal($"{_org.Id}.test", answer.Document.QuerySelector("#policy-domains")!.TextContent);
        Assert.Single(answer.Document.QuerySelectorAll("#policies tbody tr")); // the default policy alone
    }

    [Fact]
    public async Task The_pilot_form_takes_email_addresses_and_refuses_someone_who_is_not_external()
    {
        var form = await _alice.OpenAsync(Url($"admin/{_org.Id}/policy/new?scope=pilot"));
        Assert.NotNull(form.Document.QuerySelector("#pilot-accounts"));

        var answer = await _alice.SubmitAsync(form, new Dictionary<string, string>
        {
            ["Name"] = "Pilot", ["PilotAccounts"] = $"{_org.External}\n{_org.Member}", ["Intent"] = "save",
        }, "#policy-form");

        Assert.Equal($"\"{_org.Member}\" is not an external user of this organisation.", answer.Text("#pilotAccounts-error"));
    }
}
