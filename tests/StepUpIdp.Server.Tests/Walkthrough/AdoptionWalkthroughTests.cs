using System.Net;
using AngleSharp.Html.Dom;
using StepUpIdp.Server.Bootstrap;
using StepUpIdp.Server.Tests.Domains;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.Passwords;
using StepUpIdp.Server.Tests.PeopleAdmin;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Dns;

namespace StepUpIdp.Server.Tests.Walkthrough;

/// <summary>
/// A new organisation adopts the IdP without editing a file, over HTTP: an empty IdP (no demo data) gets its first
/// admin from the bootstrap command; the admin registers an app, adds and verifies a domain (dnsmasq), invites an
/// internal person who sets a password and signs in, invites an external person who verifies with a passcode, and makes
/// a guest group with read-only spaces whose guest signs in with a code. CI runs it with PostgreSQL and redis-server.
/// </summary>
[Trait("Category", "Walkthrough")]
public sealed class AdoptionWalkthroughTests
{
    private const string Strong = UsersApiTests.StrongPassword;

    [DnsmasqFact]
    public async Task A_new_organisation_runs_the_whole_directory_from_bootstrap_to_a_guest_with_read_only_spaces()
    {
        var port = LoopbackPorts.Free(udpToo: true);
        await using var mail = await SmtpSink.StartAsync();
        await using var idp = new IdpHost(smtp: mail, settings: new Dictionary<string, string?>
        {
            ["Idp:LoadDemoData"] = "false",
            ["Directory:DnsServers:0"] = $"127.0.0.1:{port}",
        });
        await using var app = await OidcRelyingParty.StartAsync(idp.Address, "portal", "openid profile email");

        // Bootstrap: the first admin chooses a password from the printed link and signs in.
        var setUp = Assert.IsType<BootstrapResult.Created>(await BootstrapTests.BootstrapAsync(idp, "acme", "root@acme.example")).SetUpLink;
        using var admin = new Fixtures.Browser();
        Assert.NotNull((await admin.SubmitAsync(await admin.OpenAsync(setUp), new Dictionary<string, string> { ["NewPassword"] = BootstrapTests.StrongPassword })).Text("#password-set"));
        var apps = await admin.CompleteAsync(idp, await admin.OpenAsync(Url(idp, "admin/acme/apps")), "root@acme.example", BootstrapTests.StrongPassword);

        // Register the app.
        var registered = await admin.SubmitAsync(apps, new Dictionary<string, string>
        {
            ["ClientId"] = "portal", ["Name"] = "Portal", ["Type"] = "public", ["RedirectUris"] = app.RedirectUri.AbsoluteUri,
            ["Spaces"] = "eng\nsales", ["Enforcement"] = "enforced",
        }, "#register-app");
        Assert.Equal("portal is registered.", registered.Text("#outcome"));

        // Add the domain, publish its record, verify it.
        var domains = await admin.SubmitAsync(await admin.OpenAsync(Url(idp, "admin/acme/domains")), new Dictionary<string, string> { ["Domain"] = "acme.example" }, "#add-domain");
        var value = domains.Text("tr[data-domain='acme.example'] .record-value")!;
        await using (await Dnsmasq.StartAsync(port, ["example"], [("_stepupidp-challenge.acme.example", value)]))
        {
            var verified = await admin.SubmitAsync(domains, new Dictionary<string, string>(), "tr[data-domain='acme.example'] .verify-domain");
            Assert.StartsWith("verified", verified.Text("tr[data-domain='acme.example'] td:nth-child(2)"));
        }

        // Invite an internal person, who sets a password and signs in to the app.
        var users = await admin.OpenAsync(Url(idp, "admin/acme/users"));
        var invited = await admin.SubmitAsync(users, new Dictionary<string, string> { ["Emails"] = "ines@acme.example", ["role-portal"] = "user" }, "#invite");
        Assert.Equal(HttpStatusCode.OK, invited.Status);
        var internalTokens = await SetPasswordAndSignInAsync(idp, app, mail, "ines@acme.example", verify: false);
        Assert.Equal(("internal", "user"), (internalTokens.GetClaim("user_type").Value, internalTokens.GetClaim("role").Value));

        // Invite an external person, who sets a password, signs in and verifies with an emailed passcode.
        await admin.SubmitAsync(users, new Dictionary<string, string> { ["Emails"] = "erik@partner.example", ["role-portal"] = "user" }, "#invite");
        var externalTokens = await SetPasswordAndSignInAsync(idp, app, mail, "erik@partner.example", verify: true);
        Assert.Equal(("external", "urn:stepupidp:acr:otp"), (externalTokens.GetClaim("user_type").Value, externalTokens.GetClaim("acr").Value));

        // Make a guest group with a read-only space and add a guest, who signs in with a code.
        var groups = await admin.SubmitAsync(await admin.OpenAsync(Url(idp, "admin/acme/groups")), new Dictionary<string, string>
        {
            ["Name"] = "Vendors", ["role-portal"] = "guest", ["spaces-portal"] = "eng, sales", ["readonly-portal"] = "sales",
        }, "#create-group");
        Assert.Equal("The group Vendors was created.", groups.Text("#outcome"));
        var added = await admin.SubmitAsync(groups, new Dictionary<string, string> { ["Emails"] = "gus@vendor.example" }, ".group .add-members");
        Assert.Equal("Added gus@vendor.example.", added.Text("#outcome"));

        using var guest = new Fixtures.Browser();
        var signIn = await guest.OpenAsync(app.LoginUri());
        var guestLink = (IHtmlAnchorElement)signIn.Document.QuerySelector("#guest-sign-in a")!;
        var guestPage = await guest.OpenAsync(new Uri(signIn.Url, guestLink.GetAttribute("href")));
        var before = mail.Messages.Count;
        var codePage = await guest.SubmitAsync(guestPage, new Dictionary<string, string> { ["Email"] = "gus@vendor.example" }, "#email-form");
        var code = await Fixtures.People.ReadCodeAsync(mail, "gus@vendor.example", before);
        var outcome = SignInOutcome.From(await guest.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#code-form")).Succeeded();
        var guestToken = await Tokens.ValidateIdTokenAsync(idp.Address, outcome.IdToken!, "portal");
        Assert.Equal(["eng", "sales"], guestToken.StringArray("spaces"));
        Assert.Equal(["sales"], guestToken.StringArray("spaces_readonly"));

        // Every step is in the audit log.
        var audit = await admin.OpenAsync(Url(idp, "admin/acme/audit"));
        foreach (var action in new[] { "org.bootstrapped", "app.registered", "domain.verified", "user.invited", "account.password_set", "group.created", "group.member_added" })
        {
            Assert.Contains(action, audit.Html);
        }
    }

    private static async Task<Microsoft.IdentityModel.JsonWebTokens.JsonWebToken> SetPasswordAndSignInAsync(IdpHost idp, OidcRelyingParty app, SmtpSink mail, string email, bool verify)
    {
        var link = await UsersApiTests.SetPasswordLinkAsync(mail, email);
        using var browser = new Fixtures.Browser();
        Assert.NotNull((await browser.SubmitAsync(await browser.OpenAsync(link), new Dictionary<string, string> { ["NewPassword"] = Strong })).Text("#password-set"));
        var page = await browser.SignInAsync(await browser.OpenAsync(app.LoginUri()), email, Strong);
        if (verify)
        {
            page = await browser.VerifyWithEmailedCodeAsync(page, mail, email);
        }

        var outcome = SignInOutcome.From(page).Succeeded();
        return await Tokens.ValidateIdTokenAsync(idp.Address, outcome.IdToken!, "portal");
    }

    private static Uri Url(IdpHost idp, string path) => new(idp.Address, path);
}
