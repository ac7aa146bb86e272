using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.PeopleAdmin;

/// <summary>
/// Directory changes at the same moment (docs/operations.md, "Concurrent changes"): groups, their members, apps, their
/// secrets and domains keep their rules exactly, nobody gets a 500, and what is read back is what the answers said. On
/// PostgreSQL (STEPUPIDP_TEST_POSTGRES) the serializable transactions conflict and are retried.
/// </summary>
public sealed class DirectoryConcurrencyTests : IAsyncLifetime
{
    private AcmeAdminHost _acme = null!;

    public async Task InitializeAsync() => _acme = await AcmeAdminHost.StartAsync();

    public async Task DisposeAsync() => await _acme.DisposeAsync();

    [Fact]
    public async Task Twenty_groups_created_at_once_under_one_name_make_one_group()
    {
        var answers = await Burst.SendAsync(20, _ => _acme.Alice.PostAsJsonAsync("api/orgs/acme/groups", new { name = "Vendors" }));

        Assert.Equal(1, answers.Count(HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(HttpStatusCode.BadRequest));
        var groups = (await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/groups")).GetProperty("groups").EnumerateArray().ToList();
        Assert.Single(groups, g => g.GetProperty("name").GetString() == "Vendors");
        Assert.Equal(1, await AuditCountAsync("group.created"));
    }

    [Fact]
    public async Task Twenty_people_added_to_a_guest_group_at_once_fill_the_allowance_of_fifteen_and_the_rest_get_409()
    {
        // Demo seats: alice, dave and bob hold the user or admin role, so the allowance is 3 × 5 = 15.
        var id = await CreateGroupAsync(new { name = "Vendors", roles = new[] { new { app = "demo-spa", role = "guest", spaces = new[] { "eng" } } } });

        var answers = await Burst.SendAsync(20, i => _acme.Alice.PostAsJsonAsync($"api/orgs/acme/groups/{id}/members", new { emails = new[] { $"vendor{i}@vendor.test" } }));

        Assert.Equal(15, answers.Count(HttpStatusCode.OK));
        Assert.Equal(5, answers.Count(HttpStatusCode.Conflict));
        var members = (await _acme.Alice.GetFromJsonAsync<JsonElement>($"api/orgs/acme/groups/{id}")).GetProperty("members").EnumerateArray()
            .Select(m => m.GetProperty("email").GetString()).ToList();
        var added = answers.Select((a, i) => (a, i)).Where(x => x.a.Status == HttpStatusCode.OK).Select(x => $"vendor{x.i}@vendor.test").ToList();
        Assert.Equal(added.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));
        Assert.Equal(15, await AuditCountAsync("group.member_added"));
    }

    [Fact]
    public async Task A_member_removed_twenty_times_at_once_is_removed_once()
    {
        var id = await CreateGroupAsync(new { name = "Ops" });
        var added = await _acme.Alice.PostAsJsonAsync($"api/orgs/acme/groups/{id}/members", new { emails = new[] { "dave@acme.test" } });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var dave = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("added")[0].GetProperty("id").GetString();

        var answers = await Burst.SendAsync(20, _ => _acme.Alice.DeleteAsync($"api/orgs/acme/groups/{id}/members/{dave}"));

        Assert.Equal(1, answers.Count(HttpStatusCode.NoContent));
        Assert.Equal(19, answers.Count(HttpStatusCode.NotFound));
        Assert.Empty((await _acme.Alice.GetFromJsonAsync<JsonElement>($"api/orgs/acme/groups/{id}")).GetProperty("members").EnumerateArray());
        Assert.Equal(1, await AuditCountAsync("group.member_removed"));
    }

    [Fact]
    public async Task Twenty_secrets_added_at_once_to_an_app_with_one_stop_at_the_limit_of_two()
    {
        var created = await _acme.Alice.PostAsJsonAsync("api/orgs/acme/apps", new { clientId = "reports", name = "Reports", type = "confidential" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var answers = await Burst.SendAsync(20, _ => _acme.Alice.PostAsync("api/orgs/acme/apps/reports/secrets", null));

        Assert.Equal(1, answers.Count(HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(HttpStatusCode.Conflict));
        var app = await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/apps/reports");
        Assert.Equal(2, app.GetProperty("secrets").GetArrayLength());
        Assert.Equal(1, await AuditCountAsync("app.secret_added"));
    }

    [Fact]
    public async Task Twenty_registrations_of_one_client_id_at_once_make_one_app()
    {
        var answers = await Burst.SendAsync(20, i => _acme.Alice.PostAsJsonAsync("api/orgs/acme/apps", new { clientId = "reports", name = $"Reports {i}", type = "confidential" }));

        Assert.Equal(1, answers.Count(HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(HttpStatusCode.Conflict));
        var winner = JsonDocument.Parse(answers.Single(a => a.Status == HttpStatusCode.Created).Body).RootElement;
        var app = await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/apps/reports");
        Assert.Equal(winner.GetProperty("name").GetString(), app.GetProperty("name").GetString());
        Assert.Equal(1, app.GetProperty("secrets").GetArrayLength());
        Assert.Equal(1, await AuditCountAsync("app.registered"));
    }

    [Fact]
    public async Task Twenty_additions_of_one_domain_at_once_make_one_pending_domain()
    {
        var answers = await Burst.SendAsync(20, _ => _acme.Alice.PostAsJsonAsync("api/orgs/acme/domains", new { domain = "newcomer.test" }));

        Assert.Equal(1, answers.Count(HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(HttpStatusCode.Conflict));
        var record = JsonDocument.Parse(answers.Single(a => a.Status == HttpStatusCode.Created).Body).RootElement.GetProperty("record").GetRawText();
        var domains = (await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/domains")).GetProperty("domains").EnumerateArray()
            .Where(d => d.GetProperty("domain").GetString() == "newcomer.test").ToList();
        Assert.Equal(record, Assert.Single(domains).GetProperty("record").GetRawText());
        Assert.Equal(1, await AuditCountAsync("domain.added"));
    }

    [Fact]
    public async Task Invitations_naming_a_group_deleted_meanwhile_are_written_whole_or_refused_never_half()
    {
        var id = await CreateGroupAsync(new { name = "Contractors" });

        // Request 10 deletes the group while the others invite one person each into it.
        var answers = await Burst.SendAsync(20, i => i == 10
            ? _acme.Alice.DeleteAsync($"api/orgs/acme/groups/{id}")
            : _acme.Alice.PostAsJsonAsync("api/orgs/acme/users", new { emails = new[] { $"contractor{i}@contractor.test" }, groups = new[] { id } }));

        Assert.Equal(HttpStatusCode.NoContent, answers[10].Status);
        var invitations = answers.Where((_, i) => i != 10).ToList();
        Assert.All(invitations, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, a.ToString()));
        var listed = (await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/users?q=contractor.test&pageSize=100")).GetProperty("users").EnumerateArray()
            .Select(u => u.GetProperty("email").GetString()).ToList();
        var invited = answers.Select((a, i) => (a, i)).Where(x => x.i != 10 && x.a.Status == HttpStatusCode.OK).Select(x => $"contractor{x.i}@contractor.test").ToList();
        Assert.Equal(invited.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(invited.Count, await AuditCountAsync("user.invited"));
        Assert.Equal(HttpStatusCode.NotFound, (await _acme.Alice.GetAsync($"api/orgs/acme/groups/{id}")).StatusCode);
    }

    private async Task<string> CreateGroupAsync(object group)
    {
        var created = await _acme.Alice.PostAsJsonAsync("api/orgs/acme/groups", group);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task<int> AuditCountAsync(string action) =>
        (await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit?pageSize=200")).GetProperty("entries").EnumerateArray()
        .Count(e => e.GetProperty("action").GetString() == action);
}
