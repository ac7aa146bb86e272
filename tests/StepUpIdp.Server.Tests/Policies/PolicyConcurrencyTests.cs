using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.Policies.ExternalPolicyPrecedenceTests;

namespace StepUpIdp.Server.Tests.Policies;

/// <summary>
/// External-user policies saved at the same moment (docs/operations.md, "Concurrent changes"): one domain in one
/// policy only, every save described from the policy the one before it left, and no 500. On PostgreSQL
/// (STEPUPIDP_TEST_POSTGRES) the serializable transactions conflict and are retried.
/// </summary>
public sealed partial class PolicyConcurrencyTests : IAsyncLifetime
{
    private AcmeAdminHost _acme = null!;

    public async Task InitializeAsync() => _acme = await AcmeAdminHost.StartAsync();

    public async Task DisposeAsync() => await _acme.DisposeAsync();

    [Fact]
    public async Task Twenty_policies_claiming_one_domain_at_once_make_one_policy_and_nineteen_field_errors()
    {
        var answers = await Burst.SendAsync(20, i => _acme.Alice.PostAsJsonAsync("api/orgs/acme/external-policies", Policy($"Partners {i}", domains: ["partner.test"])));

        Assert.Equal(1, answers.Count(HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(HttpStatusCode.BadRequest));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.BadRequest), a => Assert.Contains("already in policy", a.Body));
        var winner = JsonDocument.Parse(answers.Single(a => a.Status == HttpStatusCode.Created).Body).RootElement.GetProperty("name").GetString();
        var policies = (await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-policies")).GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(["default", winner], policies.Select(p => p.GetProperty("id").GetString() == "default" ? "default" : p.GetProperty("name").GetString()));
        Assert.Single(await PolicyAuditAsync());
    }

    [Fact]
    public async Task Twenty_default_policy_saves_at_once_all_succeed_and_their_audit_lines_chain_from_one_to_the_next()
    {
        var current = JsonNode.Parse(await _acme.Alice.GetStringAsync("api/orgs/acme/external-policy"))!;
        var start = current["apiTokenMaxLifetimeDays"]!.GetValue<int>();

        var answers = await Burst.SendAsync(20, i =>
        {
            var document = current.DeepClone();
            document["apiTokenMaxLifetimeDays"] = 100 + i;
            return _acme.Alice.PutAsJsonAsync("api/orgs/acme/external-policy", document);
        });

        Assert.Equal(20, answers.Count(HttpStatusCode.OK));
        // Oldest first: each save starts from what the one before it saved, so no change was lost unseen.
        var steps = (await PolicyAuditAsync()).AsEnumerable().Reverse().Select(d => LifetimeChange().Match(d!)).ToList();
        Assert.Equal(20, steps.Count);
        Assert.All(steps, s => Assert.True(s.Success));
        var from = start.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var step in steps)
        {
            Assert.Equal(from, step.Groups["from"].Value);
            from = step.Groups["to"].Value;
        }

        var stored = JsonNode.Parse(await _acme.Alice.GetStringAsync("api/orgs/acme/external-policy"))!;
        Assert.Equal(from, stored["apiTokenMaxLifetimeDays"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The details of the policy.changed lines, newest first.</summary>
    private async Task<List<string?>> PolicyAuditAsync() =>
        (await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit?pageSize=200")).GetProperty("entries").EnumerateArray()
        .Where(e => e.GetProperty("action").GetString() == "policy.changed").Select(e => e.GetProperty("detail").GetString()).ToList();

    [GeneratedRegex(@"apiTokenMaxLifetimeDays (?<from>\d+) -> (?<to>\d+)")]
    private static partial Regex LifetimeChange();
}
