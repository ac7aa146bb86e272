using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.Policies.ExternalPolicyPrecedenceTests;

namespace StepUpIdp.Server.Tests.Policies;

/// <summary>
/// <c>/api/orgs/{org}/external-policies</c>: listing, field-level refusals, preview of who moves, removal. One host for
/// the class; each test has an org of its own set up as the demo's acme, whose policies it changes.
/// </summary>
public sealed class ExternalPoliciesApiTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _alice = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The domain of an email address.</summary>
    private static string DomainOf(string email) => email[(email.IndexOf('@') + 1)..];

    [Fact]
    public async Task The_list_starts_with_the_default_policy_and_shows_each_policys_domains_and_pilot()
    {
        var partners = await CreateAsync(Policy("Partners", domains: ["Partner.TEST", "partner2.test"]));
        var pilot = await CreateAsync(Policy("Pilot", pilotAccounts: [_org.External]));

        var list = (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policies")).GetProperty("policies").EnumerateArray().ToList();

        Assert.Equal(["default", partners, pilot], list.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal("P1D", list[0].GetProperty("reverifyEvery").GetString());
        Assert.Equal(["partner.test", "partner2.test"], list[1].GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal([_org.External], list[2].GetProperty("pilotAccounts").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("pilot", list[2].GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_domain_already_in_another_policy_is_refused_on_the_domains_field()
    {
        await CreateAsync(Policy("Partners", domains: ["partner.test"]));

        var errors = await RefusedAsync(Policy("Also partners", domains: ["partner.test"]));

        Assert.Contains("already in policy \"Partners\"", Assert.Single(errors.GetProperty("domains").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_21st_domain_is_refused()
    {
        var domains = Enumerable.Range(1, 21).Select(i => $"partner{i}.test").ToArray();

        var errors = await RefusedAsync(Policy("Many", domains: domains));

        Assert.Contains(errors.GetProperty("domains").EnumerateArray(), e => e.GetString()!.Contains("at most 20 domains", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_verified_domain_of_the_org_itself_is_refused()
    {
        var errors = await RefusedAsync(Policy("Staff", domains: [DomainOf(_org.Admin)]));

        Assert.Contains("verified domain of this organisation", Assert.Single(errors.GetProperty("domains").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_sixth_pilot_account_is_refused()
    {
        for (var i = 1; i <= 5; i++)
        {
            await _idp.AddAccountAsync($"pilot{i}@outside-{_org.Id}.test", _org.Id);
        }

        var six = Enumerable.Range(1, 5).Select(i => $"pilot{i}@outside-{_org.Id}.test").Append(_org.External).ToArray();
        var errors = await RefusedAsync(Policy("Pilot", pilotAccounts: six));

        Assert.Contains(errors.GetProperty("pilotAccounts").EnumerateArray(), e => e.GetString()!.Contains("at most 5 accounts", StringComparison.Ordinal));
        // Five are accepted.
        await CreateAsync(Policy("Pilot", pilotAccounts: six[..5]));
    }

    [Theory]
    [InlineData("internal")] // the org's admin
    [InlineData("nobody@nowhere.test")] // no such account: the same answer
    public async Task A_pilot_account_that_is_not_an_external_user_is_refused(string who)
    {
        var email = who == "internal" ? _org.Admin : who;
        var errors = await RefusedAsync(Policy("Pilot", pilotAccounts: [email]));

        Assert.Equal($"\"{email}\" is not an external user of this organisation.", Assert.Single(errors.GetProperty("pilotAccounts").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Preview_names_who_moves_from_one_policy_to_another_and_changes_nothing()
    {
        var carol = $"carol@other-{_org.Id}.test";
        await _idp.AddAccountAsync(carol, _org.Id);
        var partnerDomain = DomainOf(_org.External);
        var partners = await CreateAsync(Policy("Partners", domains: [partnerDomain]));

        var response = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/external-policies/{partners}/preview",
            Policy("Partners", domains: [partnerDomain, DomainOf(carol)], apiTokens: "block"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();

        var move = Assert.Single(preview.GetProperty("moves").EnumerateArray());
        Assert.Equal(carol, move.GetProperty("email").GetString());
        Assert.Equal("default", move.GetProperty("from").GetProperty("id").GetString());
        Assert.Equal(partners, move.GetProperty("to").GetProperty("id").GetString());
        var stored = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policies/{partners}");
        Assert.Equal([partnerDomain], stored.GetProperty("domains").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task A_removed_policy_is_gone_and_the_default_one_cannot_be_removed()
    {
        var partners = await CreateAsync(Policy("Partners", domains: ["partner.test"]));

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/external-policies/{partners}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"api/orgs/{_org.Id}/external-policies/{partners}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/external-policies/default")).StatusCode);
        // Its domain is free again.
        await CreateAsync(Policy("Partners again", domains: ["partner.test"]));
    }

    [Fact]
    public async Task The_default_policy_read_from_the_list_is_previewed_and_replaced_by_its_id()
    {
        var path = $"api/orgs/{_org.Id}/external-policies/default";
        var listed = (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policies")).GetProperty("policies")[0];
        var changed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(listed.GetRawText())!;
        changed["reverifyEvery"] = JsonSerializer.SerializeToElement("PT1H");

        using var preview = await _alice.PostAsJsonAsync(path + "/preview", changed);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        using var put = await _alice.PutAsJsonAsync(path, changed);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(("default", "PT1H"), ((await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString(),
            (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policy")).GetProperty("reverifyEvery").GetString()));

        changed["domains"] = JsonSerializer.SerializeToElement(new[] { "partner.test" });
        using var withDomains = await _alice.PutAsJsonAsync(path, changed);
        Assert.Equal(HttpStatusCode.BadRequest, withDomains.StatusCode);
        Assert.True((await withDomains.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("domains", out _));
    }

    [Fact]
    public async Task Only_the_orgs_admins_see_or_change_its_policies()
    {
        using var bob = await AdminClient.ForAsync(_idp, _org.External, _org.Id, from: _from);

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"api/orgs/{_org.Id}/external-policies")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync($"api/orgs/{_org.Id}/external-policies", Policy("Mine", domains: ["partner.test"]))).StatusCode);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task Both_lists_or_neither_are_refused()
    {
        var both = await RefusedAsync(Policy("Both", domains: ["partner.test"], pilotAccounts: [_org.External]));
        var neither = await RefusedAsync(Policy("Neither"));

        Assert.True(both.TryGetProperty("domains", out _) && both.TryGetProperty("pilotAccounts", out _));
        Assert.True(neither.TryGetProperty("domains", out _));
    }

    [Theory]
    [InlineData("{\"name\": \"Broken\", \"domains\": [")] // malformed JSON
    [InlineData("[1, 2, 3]")] // not an object
    [InlineData("null")]
    [InlineData("{\"name\": \"Wrong type\", \"domains\": \"partner.test\"}")]
    [InlineData("{\"name\": \"Huge\", \"domains\": [\"partner.test\"], \"apiTokenMaxLifetimeDays\": 1e40}")]
    [InlineData("{\"name\": \"Nulls\", \"domains\": [null, \"\"], \"methods\": [null]}")]
    public async Task A_malformed_body_is_a_problem_not_a_500(string body)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Post, $"api/orgs/{_org.Id}/external-policies"), (HttpMethod.Put, $"api/orgs/{_org.Id}/external-policies/pol_0000000000000000") })
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            var response = await _alice.SendAsync(request);

            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task Duplicate_domains_in_other_case_and_unknown_pilot_ids_are_field_errors()
    {
        var duplicate = await RefusedAsync(Policy("Partners", domains: ["partner.test", "PARTNER.Test."]));
        var pilot = await RefusedAsync(Policy("Pilot", pilotAccounts: ["acc_unknown", "../../etc/passwd", "", "<b>x</b>"]));

        Assert.Contains("listed more than once", Assert.Single(duplicate.GetProperty("domains").EnumerateArray()).GetString());
        Assert.Equal(4, pilot.GetProperty("pilotAccounts").GetArrayLength());
    }

    [Theory]
    [InlineData("pol_unknown")]
    [InlineData("%F0%9F%98%80%27%22")]
    [InlineData("..%2F..%2Fadmin")]
    [InlineData("x%20y%3B%20DROP%20TABLE")]
    public async Task An_unknown_policy_id_is_not_found_whatever_its_characters(string id)
    {
        var path = $"api/orgs/{_org.Id}/external-policies/{id}";

        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PutAsJsonAsync(path, Policy("X", domains: ["partner.test"]))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PostAsJsonAsync(path + "/preview", Policy("X", domains: ["partner.test"]))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.DeleteAsync(path)).StatusCode);
        var longId = new string('a', 5000);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/external-policies/{longId}", Policy("X", domains: ["partner.test"]))).StatusCode);
    }

    private async Task<string> CreateAsync(object policy)
    {
        var response = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/external-policies", policy);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> RefusedAsync(object policy)
    {
        var before = await CountAsync();
        var response = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/external-policies", policy);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://stepupidp.dev/problems/validation", problem.GetProperty("type").GetString());
        Assert.Equal(before, await CountAsync()); // nothing was stored
        return problem.GetProperty("errors");
    }

    private async Task<int> CountAsync() =>
        (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-policies")).GetProperty("policies").GetArrayLength();
}
