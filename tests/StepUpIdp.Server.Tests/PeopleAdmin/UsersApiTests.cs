using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Pages.Account;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.PeopleAdmin;

/// <summary>
/// The people of an org over the admin API: invite, list and filter, change, deactivate, remove; all audited. One host
/// for the class; each test has an org of its own set up as the demo's acme, with its own portal app.
/// </summary>
public sealed class UsersApiTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    public const string StrongPassword = "violet-harbour-lantern-57";
    private static readonly Uri Callback = new("http://127.0.0.1:9/portal/callback");
    private readonly SmtpSink _mail = shared.Mail;
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string _portal = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _portal = $"{_org.Id}-portal";
        await _idp.RegisterPublicAppAsync(_portal, _org.Id, Callback, AppEnforcement.Enforced, "eng", "sales");
        _alice = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_invited_internal_user_sets_a_password_from_the_emailed_link_and_signs_in_to_the_assigned_app()
    {
        var erinEmail = $"erin@{_org.Id}.test";
        var invited = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/users", new { emails = new[] { erinEmail, "omar@elsewhere.test" }, roles = new Dictionary<string, string> { [_portal] = "user" } });
        var body = await invited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(invited.StatusCode == HttpStatusCode.OK, body.ToString());
        var erin = body.GetProperty("users")[0];
        Assert.Equal(("internal", "set_password", true), (erin.GetProperty("userType").GetString(), erin.GetProperty("link").GetString(), erin.GetProperty("emailed").GetBoolean()));
        Assert.Equal("external", body.GetProperty("users")[1].GetProperty("userType").GetString());

        var link = await SetPasswordLinkAsync(_mail, erinEmail);
        using var browser = new Browser(_from) { StopAt = Callback };
        var form = await browser.OpenAsync(link);
        Assert.NotNull((await browser.SubmitAsync(form, new Dictionary<string, string> { ["NewPassword"] = StrongPassword })).Text("#password-set"));

        var flow = new CodeFlow(_idp.Address, _portal, Callback);
        var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), erinEmail, StrongPassword);
        var (status, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!);
        Assert.Equal(200, status);
        var idToken = Tokens.Read(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(("user", "internal"), (idToken.GetClaim("role").Value, idToken.GetClaim("user_type").Value));

        Assert.Contains(await AuditActionsAsync(), a => a == "user.invited");
    }

    [Fact]
    public async Task An_eleventh_address_is_a_field_error_and_nobody_is_invited()
    {
        var before = await TotalAsync("");
        var emails = Enumerable.Range(1, 11).Select(i => $"p{i}@acme.test").ToArray();
        var refused = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/users", new { emails });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("at most 10", problem.GetProperty("errors").GetProperty("emails")[0].GetString());

        var unknownApp = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/users", new { emails = new[] { "q@acme.test" }, roles = new { nowhere = "user" }, groups = new[] { "nope" } });
        var errors = (await unknownApp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("roles", out _) && errors.TryGetProperty("groups", out _), errors.ToString());
        Assert.Equal(before, await TotalAsync(""));
    }

    [Fact]
    public async Task People_are_listed_filtered_and_paged_and_a_bad_filter_names_its_field()
    {
        var carol = $"carol@other-{_org.Id}.test";
        await _idp.AddAccountAsync(carol, _org.Id);
        Assert.Equal([carol, _org.External], await EmailsAsync("?type=external"));
        Assert.Equal([_org.Member], await EmailsAsync("?q=MEMBER"));
        var first = await EmailsAsync("?pageSize=1&page=1");
        var second = await EmailsAsync("?pageSize=1&page=2");
        Assert.Single(first);
        Assert.NotEqual(first, second);

        var bad = await _alice.GetAsync($"api/orgs/{_org.Id}/users?type=robot&pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("type", out _) && errors.TryGetProperty("pageSize", out _));
    }

    [Fact]
    public async Task A_deactivated_account_cannot_sign_in_and_its_refresh_token_stops_working_until_reactivated()
    {
        await _idp.GrantAsync(_portal, _org.Member, AppRole.User);
        var flow = new CodeFlow(_idp.Address, _portal, Callback);
        string refreshToken;
        using (var browser = new Browser(_from) { StopAt = Callback })
        {
            var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri("openid offline_access")), _org.Member);
            refreshToken = (await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!)).Body.GetProperty("refresh_token").GetString()!;
        }

        var dave = await IdOfAsync(_org.Member);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PostAsync($"api/orgs/{_org.Id}/users/{dave}/deactivate", null)).StatusCode);

        Assert.Equal(400, (await flow.RefreshAsync(refreshToken)).Status);
        using (var browser = new Browser(_from))
        {
            var signIn = await browser.OpenAsync(new Uri(_idp.Address, "account/signin"));
            Assert.Equal(SignInModel.DeactivatedMessage, (await browser.SignInAsync(signIn, _org.Member)).Text("#signin-error"));
            // Without the password nobody learns that the account exists, let alone that it is deactivated.
            Assert.Equal(SignInModel.FailureMessage, (await browser.SignInAsync(signIn, _org.Member, "wrong-password-123")).Text("#signin-error"));
        }

        var listed = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users?status=deactivated");
        Assert.Equal(_org.Member, listed.GetProperty("users")[0].GetProperty("email").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PostAsync($"api/orgs/{_org.Id}/users/{dave}/reactivate", null)).StatusCode);
        using (var browser = new Browser(_from))
        {
            var signedIn = await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/signin")), _org.Member);
            Assert.Equal("/", signedIn.Url.AbsolutePath);
        }

        var actions = await AuditActionsAsync();
        Assert.Contains("user.deactivated", actions);
        Assert.Contains("user.reactivated", actions);
    }

    [Fact]
    public async Task An_org_cannot_deactivate_an_account_it_does_not_manage()
    {
        var bob = await IdOfAsync(_org.External);
        var refused = await _alice.PostAsync($"api/orgs/{_org.Id}/users/{bob}/deactivate", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("https://stepupidp.dev/problems/account-not-managed", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal("active", (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{bob}")).GetProperty("user").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Roles_and_groups_change_and_a_removed_person_leaves_the_org()
    {
        var created = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new { name = "Engineering", roles = new[] { new { app = _portal, role = "admin" } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var bob = await IdOfAsync(_org.External);
        var changed = await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{bob}", new { roles = new Dictionary<string, string> { [_portal] = "user" }, groups = new[] { group } });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        var person = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{bob}");
        var portal = person.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("app").GetString() == _portal);
        Assert.Equal("admin", portal.GetProperty("role").GetString());
        Assert.Equal(["direct", "Engineering"], portal.GetProperty("from").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("Engineering", person.GetProperty("groups")[0].GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/users/{bob}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"api/orgs/{_org.Id}/users/{bob}")).StatusCode);
        Assert.Empty((await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/groups/{group}")).GetProperty("members").EnumerateArray());
        Assert.Contains("user.removed", await AuditActionsAsync());
    }

    [Fact]
    public async Task A_field_left_out_of_a_change_stays_and_an_admin_cannot_take_away_their_own_role_on_the_calling_app()
    {
        var created = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new { name = "Kept", roles = new[] { new { app = _portal, role = "user" } } });
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var bob = await IdOfAsync(_org.External);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{bob}", new { roles = new Dictionary<string, string> { [_portal] = "admin" }, groups = new[] { group } })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{bob}", new { roles = new Dictionary<string, string> { [_portal] = "user" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{bob}", new { })).StatusCode);
        var person = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{bob}");
        Assert.Equal("Kept", person.GetProperty("groups")[0].GetProperty("name").GetString());
        Assert.Equal(["direct", "Kept"], person.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("app").GetString() == _portal)
            .GetProperty("from").EnumerateArray().Select(f => f.GetString()));

        var self = await IdOfAsync(_org.Admin);
        var before = await RolesOfAsync(self);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{self}", new { })).StatusCode);
        var refused = await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{self}", new { roles = new Dictionary<string, string>() });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("your own role", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("roles")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await RolesOfAsync(self));
    }

    [Fact]
    public async Task A_patch_changes_roles_and_status_together_or_not_at_all_and_names_a_field_it_does_not_know()
    {
        var dave = await IdOfAsync(_org.Member);
        var portalRole = new Dictionary<string, string> { [_portal] = "user" };
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{dave}", new { roles = portalRole, status = "deactivated" })).StatusCode);
        var person = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{dave}");
        Assert.Equal("deactivated", person.GetProperty("user").GetProperty("status").GetString());
        Assert.Equal("user", person.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("app").GetString() == _portal).GetProperty("role").GetString());
        using (var browser = new Browser(_from))
        {
            var signIn = await browser.OpenAsync(new Uri(_idp.Address, "account/signin"));
            Assert.Equal(SignInModel.DeactivatedMessage, (await browser.SignInAsync(signIn, _org.Member)).Text("#signin-error"));
        }

        // PUT, the first release's verb, is the same change.
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{dave}", new { status = "active" })).StatusCode);
        Assert.Equal("active", (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{dave}")).GetProperty("user").GetProperty("status").GetString());

        // An account the org does not manage keeps its status, and the roles of the same request are not changed either.
        var bob = await IdOfAsync(_org.External);
        var before = await RolesOfAsync(bob);
        var refused = await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{bob}", new { roles = new Dictionary<string, string> { [_portal] = "admin" }, status = "deactivated" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(before, await RolesOfAsync(bob));
        // Asking for the status it has is no change, and needs no say over the account.
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{bob}", new { status = "active" })).StatusCode);

        var unknown = await _alice.PatchAsJsonAsync($"api/orgs/{_org.Id}/users/{dave}", new { active = false, status = "disabled" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var errors = (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("roles, groups and status", errors.GetProperty("active")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("active or deactivated", errors.GetProperty("status")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("active", (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{dave}")).GetProperty("user").GetProperty("status").GetString());

        var entries = (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/audit?pageSize=200")).GetProperty("entries").EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() is "user.deactivated" or "user.reactivated")
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("outcome").GetString(), e.GetProperty("subject").GetString())).ToList();
        Assert.Equal([("user.deactivated", "denied", bob), ("user.reactivated", "success", dave), ("user.deactivated", "success", dave)], entries);
    }

    [Fact]
    public async Task One_of_the_orgs_people_is_put_into_a_group_by_id_once_and_an_unknown_id_is_not_found()
    {
        var created = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new { name = "Support", roles = new[] { new { app = _portal, role = "user" } } });
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var dave = await IdOfAsync(_org.Member);

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsync($"api/orgs/{_org.Id}/groups/{group}/members/{dave}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.PutAsync($"api/orgs/{_org.Id}/groups/{group}/members/{dave}", null)).StatusCode);
        var members = (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/groups/{group}")).GetProperty("members").EnumerateArray();
        Assert.Equal([dave], members.Select(m => m.GetProperty("id").GetString()));
        Assert.Equal("user", (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{dave}")).GetProperty("roles").EnumerateArray()
            .Single(r => r.GetProperty("app").GetString() == _portal).GetProperty("role").GetString());
        Assert.Equal(1, (await AuditActionsAsync()).Count(a => a == "group.member_added"));

        var stranger = await _alice.PutAsync($"api/orgs/{_org.Id}/groups/{group}/members/{Guid.NewGuid():N}", null);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal("application/problem+json", stranger.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PutAsync($"api/orgs/{_org.Id}/groups/nope/members/{dave}", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{group}/members/{dave}")).StatusCode);
        Assert.Empty((await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/groups/{group}")).GetProperty("members").EnumerateArray());
    }

    [Fact]
    public async Task Both_spellings_of_an_accented_domain_are_one_person_under_that_domains_policy()
    {
        var unicode = $"p@bücher-{_org.Id}.test";
        var punycode = "P@" + new System.Globalization.IdnMapping().GetAscii(unicode[2..]).ToUpperInvariant();
        Assert.StartsWith("P@XN--", punycode);
        var policy = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/external-policies",
            Policies.ExternalPolicyPrecedenceTests.Policy("Bücher", domains: [unicode[2..]], reverifyEvery: "PT10M"));
        Assert.True(policy.StatusCode == HttpStatusCode.Created, await policy.Content.ReadAsStringAsync());
        var policyId = (await policy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var ids = new List<string?>();
        foreach (var email in new[] { unicode, punycode })
        {
            var invited = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/users", new { emails = new[] { email } });
            var body = await invited.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(invited.StatusCode == HttpStatusCode.OK, body.ToString());
            ids.Add(body.GetProperty("users")[0].GetProperty("id").GetString());
        }

        Assert.Equal(ids[0], ids[1]);
        var people = (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/external-users")).GetProperty("users").EnumerateArray()
            .Where(u => u.GetProperty("email").GetString()!.Contains("bcher", StringComparison.Ordinal) || u.GetProperty("email").GetString()!.Contains("bücher", StringComparison.Ordinal))
            .ToList();
        var person = Assert.Single(people);
        Assert.Equal(ids[0], person.GetProperty("id").GetString());
        Assert.Equal(policyId, person.GetProperty("policy").GetProperty("id").GetString());
    }

    public static async Task<Uri> SetPasswordLinkAsync(SmtpSink mail, string email)
    {
        var message = await mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == email), TimeSpan.FromSeconds(10));
        return new Uri(MailPatterns.SetPasswordLink().Match(message.TextBody ?? "").Value);
    }

    private async Task<string> RolesOfAsync(string id) =>
        (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users/{id}")).GetProperty("roles").GetRawText();

    private async Task<string> IdOfAsync(string email) =>
        (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users?q=" + Uri.EscapeDataString(email))).GetProperty("users")[0].GetProperty("id").GetString()!;

    private async Task<List<string?>> EmailsAsync(string query) =>
        (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users" + query)).GetProperty("users").EnumerateArray().Select(u => u.GetProperty("email").GetString()).ToList();

    private async Task<int> TotalAsync(string query) => (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users" + query)).GetProperty("total").GetInt32();

    private async Task<List<string?>> AuditActionsAsync() =>
        (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/audit?pageSize=200")).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
}
