using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Bootstrap;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.Passwords;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// The audited actions no other test saw in the audit log (<see cref="AuditCoverageTests"/> names them): each is done
/// as a person or an admin does it, and its line is read back as the org's admin reads it.
/// </summary>
public sealed class AuditedActionsTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;

    public async Task InitializeAsync() => _org = await _idp.AddOrgLikeAcmeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Changing_an_app_a_persons_roles_and_renaming_and_deleting_a_group_are_audited()
    {
        using var admin = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        var app = $"{_org.Id}-portal";
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"api/orgs/{_org.Id}/apps", new { clientId = app, name = "Portal", type = "public", redirectUris = new[] { "http://127.0.0.1:9/portal/cb" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"api/orgs/{_org.Id}/apps/{app}", new { name = "Portal 2", redirectUris = new[] { "http://127.0.0.1:9/portal/cb" } })).StatusCode);
        var member = await AccountIdAsync(_org.Member);
        Assert.True((await admin.PutAsJsonAsync($"api/orgs/{_org.Id}/users/{member}", new { roles = new Dictionary<string, string> { [app] = "user" } })).IsSuccessStatusCode);
        var created = await admin.PostAsJsonAsync($"api/orgs/{_org.Id}/groups", new { name = "Engineering" });
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True((await admin.PutAsJsonAsync($"api/orgs/{_org.Id}/groups/{group}", new { name = "Platform" })).IsSuccessStatusCode);
        Assert.True((await admin.DeleteAsync($"api/orgs/{_org.Id}/groups/{group}")).IsSuccessStatusCode);

        var audit = await AuditAsync(admin);

        var actor = await AccountIdAsync(_org.Admin);
        Assert.Contains(audit, e => e is { Action: "app.changed", Outcome: "success" } && e.Actor == actor && e.Detail == app);
        Assert.Contains(audit, e => e is { Action: "user.roles_changed", Outcome: "success" } && e.Subject == member && e.Detail!.Contains(app, StringComparison.Ordinal));
        Assert.Contains(audit, e => e is { Action: "group.changed", Outcome: "success" } && e.Subject == group && e.Detail!.Contains("Platform", StringComparison.Ordinal));
        Assert.Contains(audit, e => e is { Action: "group.deleted", Outcome: "success" } && e.Subject == group);
    }

    [Fact]
    public async Task An_admin_lifting_a_verification_lock_is_audited_and_so_is_a_refusal_for_an_account_the_org_does_not_manage()
    {
        using var admin = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        var member = await AccountIdAsync(_org.Member);
        var external = await AccountIdAsync(_org.External);

        // The member's address is on the org's verified domain; the external person's is a partner's.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"api/orgs/{_org.Id}/external-users/{member}/unlock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync($"api/orgs/{_org.Id}/external-users/{external}/unlock", null)).StatusCode);

        var audit = await AuditAsync(admin);
        Assert.Contains(audit, e => e is { Action: "verification.unlocked", Outcome: "success" } && e.Subject == member);
        Assert.Contains(audit, e => e is { Action: "verification.unlocked", Outcome: "denied" } && e.Subject == external);
    }

    [Fact]
    public async Task A_passcode_asked_for_again_within_the_cooldown_is_refused_and_audited()
    {
        var callback = new Uri($"http://127.0.0.1:9/{_org.Id}/callback");
        var app = $"{_org.Id}-wiki";
        await _idp.RegisterPublicAppAsync(app, _org.Id, callback, AppEnforcement.Enforced);
        await _idp.GrantAsync(app, _org.External, AppRole.User);
        using var browser = new Browser(_from) { StopAt = callback };
        var verify = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, app, callback).AuthorizeUri()), _org.External);
        Assert.Equal("/account/verify", verify.Url.AbsolutePath);

        var sent = await browser.SubmitAsync(verify, new Dictionary<string, string>(), "#send-form");
        await browser.SubmitAsync(sent, new Dictionary<string, string>(), "#send-form");

        using var admin = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        var external = await AccountIdAsync(_org.External);
        var audit = await AuditAsync(admin);
        Assert.Contains(audit, e => e is { Action: "verification.passcode_sent", Outcome: "success" } && e.Subject == external);
        Assert.Contains(audit, e => e is { Action: "verification.passcode_send_refused", Outcome: "denied" } && e.Subject == external);
    }

    [Fact]
    public async Task Changing_a_password_asking_for_a_reset_and_resetting_it_are_audited()
    {
        using var browser = new Browser(_from);
        var form = await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/signin?ReturnUrl=%2Faccount%2Fpassword")), _org.Member);
        Assert.Equal("/account/password", form.Url.AbsolutePath);
        var changed = await browser.SubmitAsync(form, new Dictionary<string, string> { ["CurrentPassword"] = People.Password, ["NewPassword"] = BootstrapTests.StrongPassword });
        Assert.NotNull(changed.Text("#password-changed"));

        using var other = new Browser(_from);
        var before = shared.Mail.Messages.Count;
        await other.SubmitAsync(await other.OpenAsync(new Uri(_idp.Address, "account/forgot-password")), new Dictionary<string, string> { ["Email"] = _org.Member });
        var message = await shared.Mail.WaitForMessageAsync(
            m => shared.Mail.Messages.ToList().IndexOf(m) >= before && m.To.Mailboxes.Any(b => b.Address == _org.Member), TimeSpan.FromSeconds(10));
        var reset = await other.OpenAsync(new Uri(MailPatterns.SetPasswordLink().Match(message.TextBody ?? string.Empty).Value));
        Assert.NotNull((await other.SubmitAsync(reset, new Dictionary<string, string> { ["NewPassword"] = "quartz-lantern-meadow-7" })).Text("#password-set"));

        using var admin = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        var member = await AccountIdAsync(_org.Member);
        var audit = await AuditAsync(admin);
        Assert.Contains(audit, e => e is { Action: "account.password_changed", Outcome: "success" } && e.Subject == member);
        Assert.Contains(audit, e => e is { Action: "account.password_reset_requested", Outcome: "success" } && e.Subject == member);
        Assert.Contains(audit, e => e is { Action: "account.password_reset", Outcome: "success" } && e.Subject == member);
    }

    [Fact]
    public async Task Bootstrapping_again_before_a_password_is_chosen_renews_the_link_and_is_audited()
    {
        await using var idp = BootstrapTests.EmptyIdp();
        await BootstrapTests.BootstrapAsync(idp);

        Assert.True(Assert.IsType<BootstrapResult.Created>(await BootstrapTests.BootstrapAsync(idp)).Renewed);

        var audit = await AuditLogAsync(idp, "acme");
        Assert.Contains(audit, e => e is { Action: "org.bootstrapped", Outcome: "success" });
        Assert.Contains(audit, e => e is { Action: "org.bootstrap_link_renewed", Outcome: "success" });
    }

    [Fact]
    public async Task Ten_wrong_passcodes_in_a_row_lock_verification_and_the_lock_is_audited()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var wiki = await AcmeWikiHost.StartAsync(["bob@partner.test"], clock);
        using var browser = new Browser { StopAt = AcmeWikiHost.Callback };
        var page = await browser.SignInAsync(await browser.OpenAsync(wiki.NewFlow().AuthorizeUri()), "bob@partner.test");
        Assert.Equal("/account/verify", page.Url.AbsolutePath);

        // Five tries spend a passcode; the next one may be asked for after the 30-second cooldown.
        for (var passcode = 0; passcode < 2; passcode++)
        {
            var before = wiki.Mail.Messages.Count;
            page = await browser.SubmitAsync(page, new Dictionary<string, string>(), "#send-form");
            var wrong = await People.ReadCodeAsync(wiki.Mail, "bob@partner.test", before) == "000000" ? "111111" : "000000";
            for (var attempt = 0; attempt < 5; attempt++)
            {
                page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Code"] = wrong }, "#verify-form");
            }

            clock.Advance(TimeSpan.FromSeconds(31));
        }

        var bob = await AccountIdAsync(wiki.Idp, "bob@partner.test");
        var audit = await AuditLogAsync(wiki.Idp, "acme");
        Assert.Contains(audit, e => e is { Action: "verification.failed", Outcome: "failure" } && e.Subject == bob);
        Assert.Contains(audit, e => e is { Action: "verification.locked", Outcome: "denied" } && e.Subject == bob);
    }

    [Fact]
    public async Task Every_audit_line_names_the_client_address_the_request_came_from()
    {
        // The admin's browser signs in from an address of its own; the API call comes through a trusted proxy (loopback).
        using var admin = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        var app = $"{_org.Id}-addressed";
        using var register = new HttpRequestMessage(HttpMethod.Post, $"api/orgs/{_org.Id}/apps")
        {
            Content = JsonContent.Create(new { clientId = app, name = "Addressed", type = "public", redirectUris = new[] { "http://127.0.0.1:9/addressed/cb" } }),
        };
        register.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.Created, (await admin.SendAsync(register)).StatusCode);

        var audit = await AuditAsync(admin);

        var actor = await AccountIdAsync(_org.Admin);
        Assert.Contains(audit, e => e is { Action: "verification.verified" } && e.Subject == actor && e.ClientAddress == _from.ToString());
        var lines = (await admin.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/audit")).GetProperty("entries").EnumerateArray();
        Assert.All(lines, line => Assert.Equal(_org.Id, line.GetProperty("org").GetString())); // who, what, when, org, outcome, client address
        Assert.Contains(audit, e => e is { Action: "app.registered" } && e.Detail!.StartsWith(app, StringComparison.Ordinal) && e.ClientAddress == "203.0.113.7");
    }

    [Fact]
    public async Task A_password_sign_in_is_audited_in_the_persons_organisation_whether_it_fails_or_succeeds()
    {
        using var admin = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        using var browser = new Browser(_from);
        var wrong = await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/signin")), _org.Member, "not-the-Passw0rd-at-all");
        Assert.Equal("/account/signin", wrong.Url.AbsolutePath);
        var right = await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/signin")), _org.Member);
        Assert.NotEqual("/account/signin", right.Url.AbsolutePath);

        var audit = await AuditAsync(admin);

        var member = await AccountIdAsync(_org.Member);
        Assert.Contains(audit, e => e is { Action: "account.signed_in", Outcome: "failure", Detail: "password; wrong password" }
            && e.Subject == member && e.ClientAddress == _from.ToString());
        Assert.Contains(audit, e => e is { Action: "account.signed_in", Outcome: "success", Detail: "password" } && e.Subject == member);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_is_audited()
    {
        using var admin = await AdminClient.ForAsync(_idp, _org.Admin, _org.Id, from: _from);
        using var browser = new Browser(_from);
        await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/signin")), _org.Member);
        var signOut = await browser.OpenAsync(new Uri(_idp.Address, "account/signout"));
        await browser.SubmitAsync(signOut, new Dictionary<string, string>(), "#sign-out-form");

        var audit = await AuditAsync(admin);

        var member = await AccountIdAsync(_org.Member);
        Assert.Contains(audit, e => e is { Action: "session.ended", Outcome: "success" } && e.Subject == member && e.Actor == member
            && e.ClientAddress == _from.ToString());
    }

    private sealed record Entry(string Action, string Outcome, string? Actor, string? Subject, string? Detail, string? ClientAddress = null);

    /// <summary>The org's audit log as its admin reads it (newest first).</summary>
    private async Task<IReadOnlyList<Entry>> AuditAsync(HttpClient admin)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"api/orgs/{_org.Id}/audit?pageSize=200");
        return page.GetProperty("entries").EnumerateArray().Select(e => new Entry(
            e.GetProperty("action").GetString()!, e.GetProperty("outcome").GetString()!, e.GetProperty("actor").GetString(),
            e.GetProperty("subject").GetString(), e.GetProperty("detail").GetString(), e.GetProperty("clientAddress").GetString())).ToList();
    }

    /// <summary>The same lines read from the log the API reads, for a host of a test's own with no admin signed in.</summary>
    private static async Task<IReadOnlyList<Entry>> AuditLogAsync(IdpHost idp, string org)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var page = await scope.ServiceProvider.GetRequiredService<AuditLog>().ReadAsync(org, 1, 200, CancellationToken.None);
        return page.Entries.Select(e => new Entry(e.Action, e.Outcome, e.ActorId, e.SubjectId, e.Detail)).ToList();
    }

    private Task<string> AccountIdAsync(string email) => AccountIdAsync(_idp, email);

    private static async Task<string> AccountIdAsync(IdpHost idp, string email)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StepUpDbContext>().Accounts.Where(a => a.Email == email).Select(a => a.Id).SingleAsync();
    }
}
