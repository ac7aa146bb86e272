using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.PeopleAdmin;

/// <summary>
/// An admin cannot take away their own admin role, or their role on the app their token came from, through a group
/// (docs/admin-guide.md, "People" and "Groups"): not by dropping the group from their groups, leaving it, changing its
/// roles or deleting it. The same changes for anyone else go ahead, and so does dropping a direct role a group still
/// gives. One host for the class; each test has an org of its own set up as the demo's acme, with its own portal app.
/// </summary>
public sealed class OwnRolesThroughGroupsTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private const string Validation = "https://stepupidp.dev/problems/validation";
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string _portal = null!;
    private string _console = null!;
    private HttpClient _alice = null!;
    private string _self = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _portal = $"{_org.Id}-portal";
        _console = $"{_org.Id}-admin-console";
        await _idp.RegisterPublicAppAsync(_portal, _org.Id, new Uri("http://127.0.0.1:9/portal/callback"), AppEnforcement.Enforced);
        // The admin's token comes from the console, where they hold the user role directly.
        _alice = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        _self = await IdOfAsync(_org.Admin);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Dropping_direct_roles_a_group_still_gives_goes_ahead()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{_self}",
            new { roles = new Dictionary<string, string> { [_portal] = "admin", [_console] = "user" } })).StatusCode);
        var admins = await CreateGroupAsync("Admins", (_portal, "admin"), (_console, "user"));
        await AddAsync(admins, _org.Admin);

        // Neither the portal admin role nor the console role (the calling app) changes: the group gives both.
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{_self}", new { roles = new Dictionary<string, string>() })).StatusCode);

        Assert.Equal($"{_console}: user from [Admins]; {_portal}: admin from [Admins]", await RolesOfAsync(_self));
    }

    [Fact]
    public async Task An_admin_cannot_drop_from_their_groups_the_group_that_makes_them_admin_but_can_drop_another_persons()
    {
        var admins = await AdminOnlyThroughGroupAsync();

        var refused = await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{_self}", new { groups = Array.Empty<string>() });

        var errors = await RefusedAsync(refused);
        Assert.Equal(["groups"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal($"You cannot leave a group that gives you your own role on {_console}, {_portal}; ask another administrator.", errors.GetProperty("groups")[0].GetString());
        Assert.Equal($"{_console}: user from [Admins]; {_portal}: admin from [Admins]", await RolesOfAsync(_self));

        var dave = await IdOfAsync(_org.Member);
        await AddAsync(admins, _org.Member);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{dave}", new { groups = Array.Empty<string>() })).StatusCode);
        Assert.Equal("", await RolesOfAsync(dave));
    }

    [Fact]
    public async Task An_admin_cannot_leave_the_group_that_makes_them_admin_but_can_remove_another_member()
    {
        var admins = await AdminOnlyThroughGroupAsync();

        var refused = await _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{admins}/members/{_self}");

        var errors = await RefusedAsync(refused);
        Assert.Equal($"You cannot leave a group that gives you your own role on {_console}, {_portal}; ask another administrator.", errors.GetProperty("accountId")[0].GetString());
        Assert.Equal([_org.Admin], await MembersAsync(admins));
        Assert.Equal($"{_console}: user from [Admins]; {_portal}: admin from [Admins]", await RolesOfAsync(_self));

        var dave = await IdOfAsync(_org.Member);
        await AddAsync(admins, _org.Member);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{admins}/members/{dave}")).StatusCode);
        Assert.Equal([_org.Admin], await MembersAsync(admins));
    }

    [Fact]
    public async Task An_admin_cannot_lower_the_roles_of_the_group_that_makes_them_admin_but_can_edit_it_otherwise()
    {
        var admins = await AdminOnlyThroughGroupAsync();

        var lowered = await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{admins}", new { name = "Admins", roles = Roles((_portal, "user"), (_console, "user")) });
        Assert.Equal($"You cannot change the roles of this group to take away your own role on {_portal}; ask another administrator.",
            (await RefusedAsync(lowered)).GetProperty("roles")[0].GetString());
        // The console is the app the token came from: a user role there is kept as much as an admin role.
        var callingApp = await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{admins}", new { name = "Admins", roles = Roles((_portal, "admin")) });
        Assert.Equal($"You cannot change the roles of this group to take away your own role on {_console}; ask another administrator.",
            (await RefusedAsync(callingApp)).GetProperty("roles")[0].GetString());
        Assert.Equal($"{_console}: user from [Admins]; {_portal}: admin from [Admins]", await RolesOfAsync(_self));

        // Renaming it and raising its roles go ahead.
        var renamed = await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{admins}", new { name = "Administrators" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var raised = await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{admins}", new { name = "Administrators", roles = Roles((_portal, "admin"), (_console, "admin")) });
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal($"{_console}: admin from [Administrators]; {_portal}: admin from [Administrators]", await RolesOfAsync(_self));

        // A group the admin is not in changes freely.
        var others = await CreateGroupAsync("Portal admins", (_portal, "admin"));
        await AddAsync(others, _org.Member);
        Assert.Equal(HttpStatusCode.OK, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{others}", new { name = "Portal users", roles = Roles((_portal, "user")) })).StatusCode);
        Assert.Equal($"{_portal}: user from [Portal users]", await RolesOfAsync(await IdOfAsync(_org.Member)));
    }

    [Fact]
    public async Task An_admin_cannot_delete_the_group_that_makes_them_admin_until_they_hold_the_role_otherwise()
    {
        var admins = await AdminOnlyThroughGroupAsync();
        var others = await CreateGroupAsync("Portal admins", (_portal, "admin"));
        await AddAsync(others, _org.Member);

        var refused = await _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{admins}");

        Assert.Equal($"You cannot delete a group that gives you your own role on {_console}, {_portal}; ask another administrator.",
            (await RefusedAsync(refused)).GetProperty("id")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync($"api/orgs/{_org.Id}/groups/{admins}")).StatusCode);
        Assert.Equal($"{_console}: user from [Admins]; {_portal}: admin from [Admins]", await RolesOfAsync(_self));

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{others}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{_self}",
            new { roles = new Dictionary<string, string> { [_portal] = "admin", [_console] = "user" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{admins}")).StatusCode);
        Assert.Equal($"{_console}: user from [direct]; {_portal}: admin from [direct]", await RolesOfAsync(_self));
    }

    [Fact]
    public async Task Two_groups_that_each_make_an_admin_deleted_at_once_leave_one()
    {
        var first = await AdminOnlyThroughGroupAsync();
        var second = await CreateGroupAsync("Admins too", (_portal, "admin"), (_console, "user"));
        await AddAsync(second, _org.Admin);

        var answers = await Burst.SendAsync(10, i => _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{(i % 2 == 0 ? first : second)}"));

        Assert.Equal(1, answers.Count(HttpStatusCode.NoContent));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.NoContent or HttpStatusCode.BadRequest or HttpStatusCode.NotFound, a.ToString()));
        Assert.Matches($@"^{_console}: user from \[Admins( too)?\]; {_portal}: admin from \[Admins( too)?\]$", await RolesOfAsync(_self));
    }

    /// <summary>
    /// A group "Admins" giving the admin on the portal and the user role on the console, with the admin in it and no
    /// direct role left: their admin role and their role on the calling app come only from the group.
    /// </summary>
    private async Task<string> AdminOnlyThroughGroupAsync()
    {
        var admins = await CreateGroupAsync("Admins", (_portal, "admin"), (_console, "user"));
        await AddAsync(admins, _org.Admin);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{_self}", new { roles = new Dictionary<string, string>() })).StatusCode);
        Assert.Equal($"{_console}: user from [Admins]; {_portal}: admin from [Admins]", await RolesOfAsync(_self));
        return admins;
    }

    private static object[] Roles(params (string App, string Role)[] roles) => roles.Select(r => (object)new { app = r.App, role = r.Role }).ToArray();

    private async Task<string> CreateGroupAsync(string name, params (string App, string Role)[] roles)
    {
        var created = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new { name, roles = Roles(roles) });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task AddAsync(string group, string email)
    {
        var added = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups/{group}/members", new { emails = new[] { email } });
        Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
    }

    /// <summary>A refusal as the API user sees it: 400 validation problem details; its field errors.</summary>
    private static async Task<JsonElement> RefusedAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.ToString());
        Assert.Equal(Validation, problem.GetProperty("type").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        return problem.GetProperty("errors");
    }

    /// <summary>The person's effective roles as the API shows them: "app: role from [sources]", by app.</summary>
    private async Task<string> RolesOfAsync(string id) =>
        string.Join("; ", (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{id}")).GetProperty("roles").EnumerateArray()
            .Select(r => $"{r.GetProperty("app").GetString()}: {r.GetProperty("role").GetString()} from [{string.Join(", ", r.GetProperty("from").EnumerateArray().Select(f => f.GetString()))}]")
            .Order(StringComparer.Ordinal));

    private async Task<List<string?>> MembersAsync(string group) =>
        (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/groups/{group}")).GetProperty("members").EnumerateArray()
        .Select(m => m.GetProperty("email").GetString()).ToList();

    private async Task<string> IdOfAsync(string email) =>
        (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users?q=" + Uri.EscapeDataString(email))).GetProperty("users")[0].GetProperty("id").GetString()!;
}
