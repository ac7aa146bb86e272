using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing.Dns;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Domains;

/// <summary>
/// Domains over the admin API, verified against a real DNS server (dnsmasq on loopback, authoritative for .test):
/// the record to publish, a refused lookup before it is published, the people who become internal at once when it is.
/// </summary>
[Trait("Category", "Dns")]
public sealed class DomainVerificationTests
{
    [DnsmasqFact]
    public async Task Verifying_a_domain_makes_its_people_internal_at_once_and_removing_it_makes_them_external()
    {
        var port = LoopbackPorts.Free(udpToo: true);
        await using var idp = new IdpHost(settings: new Dictionary<string, string?> { ["Directory:DnsServers:0"] = $"127.0.0.1:{port}" });
        using var alice = await AdminClient.ForAsync(idp, "alice@acme.test");

        // Adding answers the record to publish, and names who would become internal.
        var added = await alice.PostAsJsonAsync("api/orgs/acme/domains", new { domain = "Partner.TEST" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var pending = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("partner.test", "pending"), (pending.GetProperty("domain").GetString(), pending.GetProperty("status").GetString()));
        var record = pending.GetProperty("record");
        Assert.Equal(("_stepupidp-challenge.partner.test", "TXT"), (record.GetProperty("name").GetString(), record.GetProperty("type").GetString()));
        Assert.Equal("bob@partner.test", Assert.Single(pending.GetProperty("people").EnumerateArray()).GetProperty("email").GetString());

        // Not published yet: the domain stays pending, the answer names the field and repeats the record.
        await using (await Dnsmasq.StartAsync(port, ["test"], []))
        {
            var refused = await alice.PostAsync("api/orgs/acme/domains/partner.test/verify", null);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("https://stepupidp.dev/problems/domain-unverifiable", problem.GetProperty("type").GetString());
            Assert.NotEmpty(problem.GetProperty("errors").GetProperty("domain").EnumerateArray());
            Assert.Equal(record.GetProperty("value").GetString(), problem.GetProperty("record").GetProperty("value").GetString());
        }

        Assert.Contains("bob@partner.test", await alice.GetStringAsync("api/orgs/acme/external-users"));

        // Published (beside an unrelated TXT record at the same name): verified, and bob is internal at once.
        await using (await Dnsmasq.StartAsync(port, ["test"],
                         [(record.GetProperty("name").GetString()!, "v=spf1 -all"), (record.GetProperty("name").GetString()!, record.GetProperty("value").GetString()!)]))
        {
            var verified = await alice.PostAsync("api/orgs/acme/domains/partner.test/verify", null);
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
            var body = await verified.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("verified", body.GetProperty("status").GetString());
            Assert.Equal("bob@partner.test", Assert.Single(body.GetProperty("people").EnumerateArray()).GetProperty("email").GetString());
        }

        Assert.DoesNotContain("bob@partner.test", await alice.GetStringAsync("api/orgs/acme/external-users"));
        var list = await alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/domains");
        Assert.Equal(["acme.test:verified", "partner.test:verified"],
            list.GetProperty("domains").EnumerateArray().Select(d => $"{d.GetProperty("domain").GetString()}:{d.GetProperty("status").GetString()}"));

        // The preview of removal names bob; removing makes him external again.
        var preview = await alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/domains/partner.test");
        Assert.Equal("internal", Assert.Single(preview.GetProperty("people").EnumerateArray()).GetProperty("userType").GetString());
        var removed = await alice.DeleteAsync("api/orgs/acme/domains/partner.test");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var answer = await removed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("removed", answer.GetProperty("status").GetString());
        Assert.Equal("external", Assert.Single(answer.GetProperty("people").EnumerateArray()).GetProperty("userType").GetString());
        Assert.Contains("bob@partner.test", await alice.GetStringAsync("api/orgs/acme/external-users"));

        var audit = await alice.GetStringAsync("api/orgs/acme/audit");
        foreach (var action in new[] { "domain.added", "domain.verified", "domain.removed" })
        {
            Assert.Contains(action, audit);
        }
    }

    [Fact]
    public async Task Bad_and_duplicate_domains_are_refused_by_field_and_nothing_is_written()
    {
        await using var idp = new IdpHost();
        using var alice = await AdminClient.ForAsync(idp, "alice@acme.test");

        foreach (var (domain, status, type) in new[]
                 {
                     ("https://partner.test/", HttpStatusCode.BadRequest, "validation"),
                     ("localhost", HttpStatusCode.BadRequest, "validation"),
                     ("acme.test", HttpStatusCode.Conflict, "duplicate-domain"),
                 })
        {
            var response = await alice.PostAsJsonAsync("api/orgs/acme/domains", new { domain });
            Assert.Equal(status, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("https://stepupidp.dev/problems/" + type, problem.GetProperty("type").GetString());
            Assert.NotEmpty(problem.GetProperty("errors").GetProperty("domain").EnumerateArray());
        }

        Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync("api/orgs/acme/domains", new { domain = "new.test" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await alice.PostAsJsonAsync("api/orgs/acme/domains", new { domain = "NEW.test" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.PostAsync("api/orgs/acme/domains/other.test/verify", null)).StatusCode);

        var list = await alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/domains");
        Assert.Equal(["acme.test", "new.test"], list.GetProperty("domains").EnumerateArray().Select(d => d.GetProperty("domain").GetString()));
    }

    [Fact]
    public async Task Only_admins_of_the_org_see_its_domains()
    {
        await using var idp = new IdpHost();
        using var dave = await AdminClient.ForAsync(idp, "dave@acme.test");
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.GetAsync("api/orgs/acme/domains")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = idp.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("api/orgs/acme/domains", new { domain = "x.test" })).StatusCode);
    }
}
