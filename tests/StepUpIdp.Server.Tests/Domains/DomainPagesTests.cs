using System.Net;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing.Dns;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Domains;

/// <summary>The domains admin page, driven as a browser would: add, see the record to publish, verify, remove.</summary>
public sealed class DomainPagesTests
{
    private static async Task<(Browser Browser, Page Page)> OpenAsAliceAsync(IdpHost idp)
    {
        var browser = new Browser();
        var signIn = await browser.OpenAsync(new Uri(idp.Address, "admin/acme/domains"));
        var page = await browser.CompleteAsync(idp, signIn, "alice@acme.test");
        Assert.Equal("/admin/acme/domains", page.Url.AbsolutePath);
        return (browser, page);
    }

    [Fact]
    public async Task An_admin_adds_a_domain_sees_the_record_to_publish_and_removes_it()
    {
        await using var idp = new IdpHost();
        var (browser, page) = await OpenAsAliceAsync(idp);
        using var _ = browser;
        PageAssert.FieldsAreLabelled(page);

        var added = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Domain"] = "Partner.test" }, "#add-domain");
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Contains("partner.test was added", added.Text("#outcome"));
        Assert.StartsWith("stepupidp-domain-verification=", added.Text("tr[data-domain='partner.test'] .record-value"));
        Assert.Contains("bob@partner.test", added.Text("tr[data-domain='partner.test']"));

        var duplicate = await browser.SubmitAsync(added, new Dictionary<string, string> { ["Domain"] = "acme.test" }, "#add-domain");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.Status);
        Assert.Contains("already a domain", duplicate.Text("#domain-error"));

        var removed = await browser.SubmitAsync(duplicate, new Dictionary<string, string>(), "tr[data-domain='partner.test'] form.remove-domain");
        Assert.Contains("partner.test was removed", removed.Text("#outcome"));
        Assert.Null(removed.Document.QuerySelector("tr[data-domain='partner.test']"));
    }

    [DnsmasqFact]
    [Trait("Category", "Dns")]
    public async Task Verifying_on_the_page_names_who_became_internal()
    {
        var port = LoopbackPorts.Free(udpToo: true);
        await using var idp = new IdpHost(settings: new Dictionary<string, string?> { ["Directory:DnsServers:0"] = $"127.0.0.1:{port}" });
        var (browser, page) = await OpenAsAliceAsync(idp);
        using var _ = browser;
        var added = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Domain"] = "partner.test" }, "#add-domain");
        var value = added.Text("tr[data-domain='partner.test'] .record-value")!;

        await using var dns = await Dnsmasq.StartAsync(port, ["test"], [("_stepupidp-challenge.partner.test", value)]);
        var verified = await browser.SubmitAsync(added, new Dictionary<string, string>(), "tr[data-domain='partner.test'] form.verify-domain");
        Assert.Equal(HttpStatusCode.OK, verified.Status);
        Assert.Contains("Now internal: bob@partner.test", verified.Text("#outcome"));
        Assert.Contains("verified", verified.Text("tr[data-domain='partner.test']"));
    }
}
