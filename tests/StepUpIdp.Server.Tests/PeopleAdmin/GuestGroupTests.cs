using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.PeopleAdmin;

/// <summary>Groups over the admin API: a guest group with read-only spaces makes guests who sign in with a code.</summary>
/// <remarks>
/// The tests share one host (tests/README.md, "One host for a test class"): each has an org like acme of its own with
/// its own portal app, and signs in from an address of its own.
/// </remarks>
public sealed class GuestGroupTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly SmtpSink _mail = shared.Mail;
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string AppId => $"{_org.Id}-portal";
    private string Carol => $"carol@vendor-{_org.Id}.test";
    private OidcRelyingParty _app = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _app = await _idp.StartPublicAppAsync(AppId, _org.Id, AppEnforcement.Enforced, "openid profile email", "eng", "sales", "ops");
        _alice = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_member_of_a_guest_group_signs_in_with_a_code_and_gets_its_spaces_with_the_read_only_ones_named()
    {
        var created = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new
        {
            name = "Vendors",
            roles = new[] { new { app = AppId, role = "guest", spaces = new[] { "eng", "sales" }, readOnlySpaces = new[] { "sales" } } },
        });
        var group = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Created, group.ToString());
        Assert.True(group.GetProperty("guestGroup").GetBoolean());
        var id = group.GetProperty("id").GetString();

        var added = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups/{id}/members", new { emails = new[] { Carol } });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var invitation = await _mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == Carol), TimeSpan.FromSeconds(10));
        Assert.Contains(new Uri(_idp.Address, "account/guest?app=" + AppId).ToString(), invitation.TextBody);

        using var browser = new Browser(_from);
        var outcome = SignInOutcome.From(await browser.SignInAsGuestAsync(_app, _mail, Carol)).Succeeded();
        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, outcome.IdToken!, AppId);
        Assert.Equal("guest", idToken.GetClaim("role").Value);
        Assert.Equal(["eng", "sales"], idToken.StringArray("spaces"));
        Assert.Equal(["sales"], idToken.StringArray("spaces_readonly"));
        Assert.Equal(["sales"], Tokens.Read(outcome.AccessToken!).StringArray("spaces_readonly"));

        var guests = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/users?type=guest");
        Assert.Contains(guests.GetProperty("users").EnumerateArray(), u => u.GetProperty("email").GetString() == Carol);

        var audit = (await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/audit")).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("group.created", audit);
        Assert.Contains("group.member_added", audit);
    }

    [Fact]
    public async Task Groups_are_renamed_and_deleted_and_bad_fields_are_named()
    {
        var bad = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new
        {
            name = " ",
            roles = new object[]
            {
                new { app = AppId, role = "guest", spaces = new[] { "eng", "nowhere" }, readOnlySpaces = new[] { "ops" } },
                new { app = "not-ours", role = "user" },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["name", "roles[0].readOnlySpaces", "roles[0].spaces", "roles[1].app"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Empty((await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/groups")).GetProperty("groups").EnumerateArray());

        var created = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new { name = "Sales" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new { name = "Ops" });
        var clash = await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{id}", new { name = "ops" });
        Assert.Equal(HttpStatusCode.BadRequest, clash.StatusCode);

        var outsider = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/groups/{id}/members", new { emails = new[] { "stranger@nowhere.test" } });
        Assert.Equal(HttpStatusCode.BadRequest, outsider.StatusCode);

        var renamed = await _alice.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{id}", new { name = "Sales EMEA" });
        Assert.Equal("Sales EMEA", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _alice.DeleteAsync($"api/orgs/{_org.Id}/groups/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"api/orgs/{_org.Id}/groups/{id}")).StatusCode);
    }
}

/// <summary>Adding people to a guest group counts against the guest allowance, as guest invitations do.</summary>
public sealed class GuestGroupAllowanceTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new(settings: new Dictionary<string, string?> { ["Guests:AllowancePerSeat"] = "0" });
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        await _idp.RegisterPublicAppAsync("portal", "acme", new Uri("http://127.0.0.1:9/cb"), AppEnforcement.Enforced, "eng");
        _alice = await AdminClient.ForAsync(_idp, "alice@acme.test");
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task A_guest_past_the_allowance_is_refused_and_nothing_is_written()
    {
        var created = await _alice.PostAsJsonAsync("api/orgs/acme/groups", new { name = "Vendors", roles = new[] { new { app = "portal", role = "guest", spaces = new[] { "eng" } } } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var refused = await _alice.PostAsJsonAsync($"api/orgs/acme/groups/{id}/members", new { emails = new[] { "carol@vendor.test" } });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("https://stepupidp.dev/problems/guest-allowance-exceeded", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Empty((await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/acme/groups/{id}")).GetProperty("members").EnumerateArray());

        // Inviting a person into the guest group is refused the same way.
        var invite = await _alice.PostAsJsonAsync("api/orgs/acme/users", new { emails = new[] { "dan@vendor.test" }, groups = new[] { id } });
        Assert.Equal(HttpStatusCode.Conflict, invite.StatusCode);
        Assert.Equal(0, (await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/users?q=vendor.test")).GetProperty("total").GetInt32());
    }
}
