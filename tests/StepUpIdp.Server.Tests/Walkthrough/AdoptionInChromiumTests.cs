using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.InChromium;
using StepUpIdp.Server.Tests.Passwords;
using StepUpIdp.Server.Tests.PeopleAdmin;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Dns;
using Xunit.Abstractions;

namespace StepUpIdp.Server.Tests.Walkthrough;

/// <summary>
/// A new organisation adopts the IdP as people would, in a real Chromium against a real production node: the operator
/// runs the server's <c>migrate</c> and <c>bootstrap</c> commands (README, "In production"); then, with no file edits,
/// the first admin sets a password from the printed link and signs in with an emailed passcode, registers the app,
/// adds a domain and verifies it against dnsmasq with the TXT record the page shows, invites an internal person (who
/// sets a password from the email and signs in to the app) and an external one (who also verifies with an emailed
/// passcode), and makes a guest group with a read-only space whose guest signs in with an emailed code. Mail goes
/// through a real SMTP server and is read from its maildir. CI's walkthrough leg runs it; a skip fails there.
/// </summary>
[Trait("Category", "Walkthrough")]
public sealed class AdoptionInChromiumTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminPassword = BootstrapTests.StrongPassword;
    private const string Strong = UsersApiTests.StrongPassword;
    private IPlaywright _playwright = null!;
    private IBrowser _chromium = null!;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ChromiumFactAttribute.Variable) is null)
        {
            return;
        }

        // A production node on a busy CI machine answers a sign-in or a DNS check in seconds, not in Playwright's default 5.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _chromium = await Chromium.LaunchAsync(_playwright, "--ignore-certificate-errors"); // the node's certificate is self-signed
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
            _playwright.Dispose();
        }
    }

    [WalkthroughFact]
    public async Task A_new_organisation_adopts_the_idp_in_a_browser_from_migrate_and_bootstrap_to_a_guest_with_read_only_spaces()
    {
        var dnsPort = LoopbackPorts.Free(udpToo: true);
        await using var deployment = new ProductionDeployment(dnsPort);
        var mail = Maildir.FromEnvironment();

        // The operator applies the schema, makes the organisation and its first admin, and starts the node.
        var migrated = await deployment.RunAsync("migrate");
        Assert.True(migrated.ExitCode == 0, migrated.Output);
        var bootstrapped = await deployment.RunAsync("bootstrap", "--org", "acme", "--name", "Acme", "--admin-email", "root@acme.example", "--admin-name", "Ada Admin");
        Assert.True(bootstrapped.ExitCode == 0, bootstrapped.Output);
        var setUpLink = MailPatterns.SetPasswordLink().Match(bootstrapped.Output);
        Assert.True(setUpLink.Success, bootstrapped.Output);
        Assert.StartsWith(new Uri(deployment.Issuer, "account/set-password?token=").ToString(), setUpLink.Value);

        await using var node = await deployment.StartAsync();
        Assert.Equal(deployment.Issuer, node.Address);
        try
        {
            await WalkThroughAsync(deployment, mail, setUpLink.Value);
        }
        finally
        {
            output.WriteLine("The node's output:\n" + node.Output);
        }
    }

    private async Task WalkThroughAsync(ProductionDeployment deployment, Maildir mail, string setUpLink)
    {
        await using var app = await WalkthroughApp.StartAsync(deployment.Issuer, deployment.Certificate, "portal");

        // The first admin chooses a password from the link and signs in to the admin pages with an emailed passcode.
        await using var adminContext = await NewContextAsync();
        var admin = await adminContext.NewPageAsync();
        await SetPasswordAsync(admin, setUpLink, "root@acme.example", AdminPassword);
        await admin.GotoAsync(Url(deployment, "admin/acme/apps"));
        await SignInAsync(admin, "root@acme.example", AdminPassword);
        await ArriveAsync(admin, "/account/verify");
        await VerifyWithEmailedCodeAsync(admin, mail, "root@acme.example");
        await ArriveAsync(admin, "/admin/acme/apps$");

        // Registers the app.
        await admin.FillAsync("#name", "Portal");
        await admin.FillAsync("#clientId", "portal");
        await admin.SelectOptionAsync("#type", "public");
        await admin.FillAsync("#redirectUris", app.RedirectUri.ToString());
        await admin.FillAsync("#spaces", "eng\nsales");
        await admin.SelectOptionAsync("#enforcement", "enforced");
        await admin.ClickAsync("#register-app button[type=submit]");
        await Assertions.Expect(admin.Locator("#outcome")).ToHaveTextAsync("portal is registered.");

        // Adds the domain, publishes the TXT record the page shows, and verifies it.
        await admin.GotoAsync(Url(deployment, "admin/acme/domains"));
        await admin.FillAsync("#domain", "acme.example");
        await admin.ClickAsync("#add-domain button[type=submit]");
        var row = admin.Locator("tr[data-domain='acme.example']");
        var record = (await row.Locator(".record-value").TextContentAsync())!.Trim();
        await using (await Dnsmasq.StartAsync(deployment.DnsPort, ["example"], [("_stepupidp-challenge.acme.example", record)]))
        {
            await row.Locator(".verify-domain button").ClickAsync();
            await Assertions.Expect(admin.Locator("tr[data-domain='acme.example'] td:nth-child(2)")).ToHaveTextAsync(new Regex("^\\s*verified"));
        }

        // Invites an internal and an external person with the user role on the app.
        await admin.GotoAsync(Url(deployment, "admin/acme/users"));
        await admin.FillAsync("#emails", "ines@acme.example\nerik@partner.example");
        await admin.SelectOptionAsync("#role-portal", "user");
        await admin.ClickAsync("#invite button[type=submit]");
        await Assertions.Expect(admin.Locator("#outcome")).ToContainTextAsync("ines@acme.example (set-password link emailed)");
        await Assertions.Expect(admin.Locator("#outcome")).ToContainTextAsync("erik@partner.example (set-password link emailed)");

        // The internal person sets a password from the email and signs in to the app.
        await using (var context = await NewContextAsync())
        {
            var ines = await context.NewPageAsync();
            await SetPasswordAsync(ines, await mail.SetPasswordLinkAsync("ines@acme.example"), "ines@acme.example", Strong);
            await ines.GotoAsync(app.LoginUri.ToString());
            await SignInAsync(ines, "ines@acme.example", Strong);
            await Assertions.Expect(ines.Locator("#signed-in")).ToHaveTextAsync("Signed in as ines@acme.example (internal)");
        }

        var inesToken = app.IdTokenOf("ines@acme.example")!;
        Assert.Equal(("internal", "user"), (inesToken.GetClaim("user_type").Value, inesToken.GetClaim("role").Value));

        // The external person sets a password, signs in, and is asked for an emailed passcode first.
        await using (var context = await NewContextAsync())
        {
            var erik = await context.NewPageAsync();
            await SetPasswordAsync(erik, await mail.SetPasswordLinkAsync("erik@partner.example"), "erik@partner.example", Strong);
            await erik.GotoAsync(app.LoginUri.ToString());
            await SignInAsync(erik, "erik@partner.example", Strong);
            await ArriveAsync(erik, "/account/verify");
            await VerifyWithEmailedCodeAsync(erik, mail, "erik@partner.example");
            await Assertions.Expect(erik.Locator("#signed-in")).ToHaveTextAsync("Signed in as erik@partner.example (external)");
        }

        var erikToken = app.IdTokenOf("erik@partner.example")!;
        Assert.Equal(("external", "user", "urn:stepupidp:acr:otp"),
            (erikToken.GetClaim("user_type").Value, erikToken.GetClaim("role").Value, erikToken.GetClaim("acr").Value));

        // Makes a guest group with a read-only space, and adds a guest to it.
        await admin.GotoAsync(Url(deployment, "admin/acme/groups"));
        var create = admin.Locator("#create-group");
        await create.Locator("#name").FillAsync("Vendors");
        await create.Locator("#role-portal").SelectOptionAsync("guest");
        await create.Locator("#spaces-portal").FillAsync("eng, sales");
        await create.Locator("#readonly-portal").FillAsync("sales");
        await create.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(admin.Locator("#outcome")).ToHaveTextAsync("The group Vendors was created.");
        var group = admin.Locator("section.group").Filter(new LocatorFilterOptions { HasText = "Vendors" });
        await group.Locator(".add-members textarea[name=Emails]").FillAsync("gus@vendor.example");
        await group.Locator(".add-members button[type=submit]").ClickAsync();
        await Assertions.Expect(admin.Locator("#outcome")).ToHaveTextAsync("Added gus@vendor.example.");

        // The guest follows the app's sign-in to the guest page and signs in with an emailed code; no password.
        await using (var context = await NewContextAsync())
        {
            var gus = await context.NewPageAsync();
            await gus.GotoAsync(app.LoginUri.ToString());
            await gus.ClickAsync("#guest-sign-in a");
            await gus.FillAsync("#email", "gus@vendor.example");
            await gus.ClickAsync("#email-form button[type=submit]");
            await gus.FillAsync("#code", await mail.CodeAsync("gus@vendor.example"));
            await gus.ClickAsync("#code-form button[type=submit]");
            await Assertions.Expect(gus.Locator("#signed-in")).ToHaveTextAsync("Signed in as gus@vendor.example (external)");
        }

        var gusToken = app.IdTokenOf("gus@vendor.example")!;
        // A guest stays external (docs/admin-guide.md, "Groups"); the token says it is a guest and which spaces it may see.
        Assert.Equal(("external", "guest"), (gusToken.GetClaim("user_type").Value, gusToken.GetClaim("role").Value));
        Assert.True(gusToken.TryGetPayloadValue<bool>("guest", out var isGuest) && isGuest, "the guest's token has no guest: true");
        Assert.False(inesToken.TryGetPayloadValue<bool>("guest", out _), "a member's token says guest");
        Assert.Equal(["eng", "sales"], gusToken.StringArray("spaces"));
        Assert.Equal(["sales"], gusToken.StringArray("spaces_readonly"));

        // The admin sees every step in the audit log.
        await admin.GotoAsync(Url(deployment, "admin/acme/audit"));
        var audit = await admin.ContentAsync();
        foreach (var action in new[] { "org.bootstrapped", "app.registered", "domain.verified", "user.invited", "account.password_set", "group.created", "group.member_added" })
        {
            Assert.Contains(action, audit);
        }
    }

    private Task<IBrowserContext> NewContextAsync() => _chromium.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });

    /// <summary>Waits until the browser is at a URL matching <paramref name="pattern"/>; if it never is, says where it is and what it shows.</summary>
    private static async Task ArriveAsync(IPage page, string pattern)
    {
        try
        {
            // The URL alone, polled: WaitForURLAsync also waits for a load event that a quick redirect chain can leave it missing.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(pattern), new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
        }
        catch (PlaywrightException)
        {
            throw new Xunit.Sdk.XunitException($"The browser never reached {pattern}; it is at {page.Url}, showing:\n{await page.InnerTextAsync("body")}");
        }
    }

    private static async Task SetPasswordAsync(IPage page, string link, string email, string password)
    {
        await page.GotoAsync(link);
        await Assertions.Expect(page.Locator("#username")).ToHaveValueAsync(email);
        await page.FillAsync("#new-password", password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#password-set")).ToContainTextAsync(email);
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await ArriveAsync(page, "/account/signin");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    private static async Task VerifyWithEmailedCodeAsync(IPage page, Maildir mail, string email)
    {
        await page.ClickAsync("#send-form button[type=submit]");
        await page.FillAsync("#code", await mail.CodeAsync(email));
        await page.ClickAsync("#verify-form button[type=submit]");
    }

    private static string Url(ProductionDeployment deployment, string path) => new Uri(deployment.Issuer, path).ToString();
}
