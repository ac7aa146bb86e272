using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Guests;

/// <summary>
/// Guests end to end: an admin invites over the API, the invitation and the
/// passcode arrive over SMTP, the guest signs in through a real relying party, and the rules hold at sign-in.
/// </summary>
[Trait("Category", "Redis")]
/// <remarks>
/// The tests share one host (tests/README.md, "One host for a test class"): each has an org like acme of its own with
/// its own portal app, invites guests of its own, and signs in from an address of its own.
/// </remarks>
[Trait("Category", "Redis")]
public sealed partial class GuestTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly SmtpSink _mail = shared.Mail;
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string AppId => $"{_org.Id}-portal";
    private string Guests => $"api/orgs/{_org.Id}/apps/{AppId}/guests";
    private string Carol => $"carol@vendor-{_org.Id}.test";
    private OidcRelyingParty _app = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _app = await _idp.StartPublicAppAsync(AppId, _org.Id, AppEnforcement.Enforced, "openid profile email directory.read", "eng", "sales");
        _alice = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Invited_guest_signs_in_with_an_emailed_passcode_and_gets_guest_claims_without_directory_scopes()
    {
        var invited = await InviteAsync([Carol], ["eng", "sales"]);
        var carol = invited.GetProperty("guests")[0];
        Assert.Equal("invited", carol.GetProperty("result").GetString());
        Assert.True(carol.GetProperty("emailed").GetBoolean());

        var invitation = await _mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == Carol), TimeSpan.FromSeconds(10));
        Assert.Contains(_org.Name, invitation.Subject);
        Assert.Contains(new Uri(_idp.Address, "account/guest?app=" + AppId).ToString(), invitation.TextBody);

        using var browser = new Browser(_from);
        var outcome = SignInOutcome.From(await browser.SignInAsGuestAsync(_app, _mail, Carol, _org.Name)).Succeeded();

        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, outcome.IdToken!, AppId);
        Assert.True(idToken.GetPayloadValue<bool>("guest"));
        Assert.Equal(["eng", "sales"], idToken.StringArray("spaces"));
        Assert.Equal("external", idToken.GetClaim("user_type").Value);
        Assert.Equal("guest", idToken.GetClaim("role").Value);
        Assert.Equal(["otp"], idToken.StringArray("amr"));
        var granted = Tokens.Read(outcome.AccessToken!).GetPayloadValue<string>("scope").Split(' ');
        Assert.Contains("openid", granted);
        Assert.DoesNotContain("directory.read", granted);

        var listed = (await ListAsync()).Single();
        Assert.Equal(Carol, listed.GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastSignInAt").ValueKind);
    }

    [Fact]
    public async Task Removing_a_guests_last_space_blocks_the_next_sign_in_with_a_page_and_an_audit_entry()
    {
        var id = (await InviteAsync([Carol], ["eng"])).GetProperty("guests")[0].GetProperty("id").GetString();
        var changed = await _alice.PutAsJsonAsync($"{Guests}/{id}", new { spaces = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        using var browser = new Browser(_from);
        var page = await browser.SignInAsGuestAsync(_app, _mail, Carol, _org.Name);

        Assert.Equal("/account/guest-access", page.Url.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("hasn't given you access", page.Text("#reason"));
        Assert.Contains(_org.Admin, page.Text("#who-to-ask"));
        var audit = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/audit");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "guest.sign_in_refused");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "guest.changed");
    }

    [Fact]
    public async Task A_guest_past_the_access_end_is_refused()
    {
        await InviteAsync([Carol], ["eng"], DateTimeOffset.UtcNow.AddDays(30));
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var assignment = await db.GuestAssignments.SingleAsync(a => a.AppClientId == AppId);
            assignment.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }

        using var browser = new Browser(_from);
        var page = await browser.SignInAsGuestAsync(_app, _mail, Carol, _org.Name);

        Assert.Equal("/account/guest-access", page.Url.AbsolutePath);
        Assert.Contains("ended on", page.Text("#reason"));
    }

    [Fact]
    public async Task Eleven_addresses_are_refused_whole_and_nothing_is_created()
    {
        var emails = Enumerable.Range(1, 11).Select(i => $"guest{i}@vendor-{_org.Id}.test").ToArray();

        var response = await _alice.PostAsJsonAsync(Guests, new { emails, spaces = new[] { "eng" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://stepupidp.dev/problems/validation", problem.GetProperty("type").GetString());
        Assert.Contains("at most 10", problem.GetProperty("errors").GetProperty("emails")[0].GetString());
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task An_invitation_over_the_guest_allowance_is_refused_whole_with_the_numbers()
    {
        // Seats: the admin (on the admin console), the member and the external member hold the user role, as alice,
        // dave and bob do in the demo, so the allowance is 3 × 5 = 15.
        await _idp.GrantAsync(AppId, _org.Member, AppRole.User);
        await _idp.GrantAsync(AppId, _org.External, AppRole.User);
        await InviteAsync(Enumerable.Range(1, 10).Select(i => $"first{i}@vendor-{_org.Id}.test").ToArray(), ["eng"]);

        var response = await _alice.PostAsJsonAsync(Guests, new { emails = Enumerable.Range(1, 6).Select(i => $"second{i}@vendor-{_org.Id}.test"), spaces = new[] { "eng" } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://stepupidp.dev/problems/guest-allowance-exceeded", problem.GetProperty("type").GetString());
        Assert.Equal(15, problem.GetProperty("allowance").GetInt32());
        Assert.Equal(16, problem.GetProperty("wouldBe").GetInt32());
        var listed = await ListAsync();
        Assert.Equal(10, listed.Count);
        Assert.All(listed, g => Assert.StartsWith("first", g.GetProperty("email").GetString()));
    }

    [Fact]
    public async Task Unknown_spaces_and_an_unknown_app_are_refused_by_name()
    {
        var spaces = await _alice.PostAsJsonAsync(Guests, new { emails = new[] { Carol }, spaces = new[] { "hr" } });
        var app = await _alice.PostAsJsonAsync($"api/orgs/{_org.Id}/apps/nope/guests", new { emails = new[] { Carol }, spaces = new[] { "eng" } });

        Assert.Equal(HttpStatusCode.BadRequest, spaces.StatusCode);
        Assert.True((await spaces.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("spaces", out _));
        Assert.Equal(HttpStatusCode.NotFound, app.StatusCode);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Inviting_someone_who_already_holds_the_user_role_says_they_are_a_user()
    {
        await _idp.GrantAsync(AppId, _org.Member, AppRole.User);

        var dave = (await InviteAsync([_org.Member], ["eng"])).GetProperty("guests")[0];

        Assert.Equal("already_user", dave.GetProperty("result").GetString());
        Assert.Equal("user", dave.GetProperty("role").GetString());
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task A_guest_in_a_group_with_the_user_role_signs_in_as_a_user_without_guest_claims()
    {
        var id = (await InviteAsync([Carol], ["eng"])).GetProperty("guests")[0].GetProperty("id").GetString()!;
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var groupId = $"vendors-{_org.Id}";
            db.Groups.Add(new StepUpIdp.Infrastructure.Data.Group
            {
                Id = groupId,
                OrganisationId = _org.Id,
                Name = "Vendors",
                Members = [new GroupMember { GroupId = groupId, AccountId = id }],
                AppRoles = [new GroupAppRole { GroupId = groupId, AppClientId = AppId, Role = AppRole.User }],
            });
            await db.SaveChangesAsync();
        }

        using var browser = new Browser(_from);
        var outcome = SignInOutcome.From(await browser.SignInAsGuestAsync(_app, _mail, Carol, _org.Name)).Succeeded();

        var idToken = Tokens.Read(outcome.IdToken!);
        Assert.Equal("user", idToken.GetClaim("role").Value);
        Assert.False(idToken.TryGetPayloadValue<bool>("guest", out _));
        Assert.False(idToken.TryGetPayloadValue<JsonElement>("spaces", out _));
        Assert.Equal("user", (await ListAsync()).Single().GetProperty("role").GetString());
    }

    [Fact]
    public async Task Removed_guest_can_no_longer_sign_in_and_the_removal_is_audited()
    {
        var id = (await InviteAsync([Carol], ["eng"])).GetProperty("guests")[0].GetProperty("id").GetString();

        var removed = await _alice.DeleteAsync($"{Guests}/{id}");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Empty(await ListAsync());
        var audit = await _alice.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/audit");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString() == "guest.removed");
    }

    [Fact]
    public async Task The_guest_sign_in_page_answers_a_known_and_an_unknown_address_byte_for_byte_alike()
    {
        await InviteAsync([Carol], ["eng"]);

        var known = await AnswerForAsync(Carol);
        var unknown = await AnswerForAsync($"nobody@vendor-{_org.Id}.test");

        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(unknown.Status, known.Status);
        Assert.Equal(WithoutAntiforgery(unknown.Html), WithoutAntiforgery(known.Html));
        Assert.NotNull(known.Document.QuerySelector("#code-form"));
    }

    [Fact]
    public async Task A_guest_who_has_a_password_is_sent_to_the_emailed_passcode_sign_in_and_the_tokens_carry_no_pwd()
    {
        // The org's external member has a password (demo-Passw0rd); invited as a guest of the portal, that password is
        // not how they sign in to it.
        await InviteAsync([_org.External], ["eng"]);
        using var browser = new Browser(_from);

        var afterPassword = await browser.SignInAsync(await browser.OpenAsync(_app.LoginUri()), _org.External);

        Assert.Equal("/account/guest", afterPassword.Url.AbsolutePath);
        Assert.Contains(_org.Name, afterPassword.Text("#why"));
        var before = _mail.Messages.Count;
        var codePage = await browser.SubmitAsync(afterPassword, new Dictionary<string, string> { ["Email"] = _org.External }, "#email-form");
        var code = await People.ReadCodeAsync(_mail, _org.External, before);
        var outcome = SignInOutcome.From(await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#code-form")).Succeeded();

        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, outcome.IdToken!, AppId);
        Assert.Equal("guest", idToken.GetClaim("role").Value);
        Assert.Equal(["otp"], idToken.StringArray("amr"));

        // A silent request from the password session of another browser gets no code either.
        using var other = new Browser(_from);
        await other.SignInAsync(await other.OpenAsync(_app.LoginUri()), _org.External);
        var silent = SignInOutcome.From(await other.OpenAsync(_app.LoginUri("prompt=none")));
        Assert.Equal("login_required", silent.Error);
    }

    private async Task<Page> AnswerForAsync(string email)
    {
        using var browser = new Browser(_from);
        var page = await browser.OpenAsync(new Uri(_idp.Address, "account/guest?app=" + AppId));
        return await browser.SubmitAsync(page, new Dictionary<string, string> { ["Email"] = email }, "#email-form");
    }

    private async Task<JsonElement> InviteAsync(string[] emails, string[] spaces, DateTimeOffset? expiresAt = null)
    {
        var response = await _alice.PostAsJsonAsync(Guests, new { emails, spaces, expiresAt });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<List<JsonElement>> ListAsync() =>
        (await _alice.GetFromJsonAsync<JsonElement>(Guests)).GetProperty("guests").EnumerateArray().ToList();

    private static string WithoutAntiforgery(string html) => Antiforgery().Replace(html, "$1");

    [GeneratedRegex("(name=\"__RequestVerificationToken\" type=\"hidden\" value=\")[^\"]*")]
    private static partial Regex Antiforgery();
}
