using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.PeopleAdmin;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.InChromium;

/// <summary>
/// The admin's and the new person's path in a real Chromium: the admin invites from the people page with a role on an
/// app, the invitee sets a password from the emailed link, signs in to that app, and the app gets a token with the role.
/// </summary>
[Trait("Category", "Browser")]
public sealed class InvitationInChromiumTests : IAsyncLifetime
{
    private const string AppCallback = "http://127.0.0.1:9/portal/callback";
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _chromium = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        await _idp.RegisterPublicAppAsync("portal", "acme", new Uri(AppCallback), AppEnforcement.Enforced, "eng");
        _ = _idp.Address;
        _playwright = await Playwright.CreateAsync();
        _chromium = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        _playwright.Dispose();
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [ChromiumFact]
    public async Task Invite_then_set_password_then_sign_in_to_the_assigned_app()
    {
        // The admin invites from the people page.
        await using (var adminContext = await _chromium.NewContextAsync())
        {
            var admin = await adminContext.NewPageAsync();
            await admin.GotoAsync(new Uri(_idp.Address, "admin/acme/users").ToString());
            await admin.FillAsync("#email", "alice@acme.test");
            await admin.FillAsync("#password", People.Password);
            await admin.ClickAsync("button[type=submit]");

            // The admin pages ask for an emailed code after the password.
            await admin.WaitForURLAsync(new Regex("/account/verify"));
            var before = _mail.Messages.Count;
            await admin.ClickAsync("#send-form button[type=submit]");
            await admin.FillAsync("#code", await People.ReadCodeAsync(_mail, "alice@acme.test", before));
            await admin.ClickAsync("#verify-form button[type=submit]");
            await admin.WaitForURLAsync(new Regex("/admin/acme/users$"));
            await admin.FillAsync("#emails", "gina@acme.test");
            await admin.SelectOptionAsync("#role-portal", "user");
            await admin.ClickAsync("#invite button[type=submit]");
            await Assertions.Expect(admin.Locator("#outcome")).ToContainTextAsync("gina@acme.test (set-password link emailed)");
        }

        var link = await UsersApiTests.SetPasswordLinkAsync(_mail, "gina@acme.test");
        await using var context = await _chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        // The invitee chooses a password from the link.
        await page.GotoAsync(link.ToString());
        await Assertions.Expect(page.Locator("#username")).ToHaveValueAsync("gina@acme.test");
        await page.FillAsync("#new-password", UsersApiTests.StrongPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#password-set")).ToBeVisibleAsync();

        // Then signs in to the app: the app's callback receives a code (nothing listens there, so the browser stops).
        var code = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(AppCallback + "**", async route =>
        {
            code.TrySetResult(QueryHelpers.ParseQuery(new Uri(route.Request.Url).Query).TryGetValue("code", out var value) ? value.ToString() : "");
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, Body = "signed in", ContentType = "text/plain" });
        });
        var flow = new CodeFlow(_idp.Address, "portal", new Uri(AppCallback));
        await page.GotoAsync(flow.AuthorizeUri().ToString());
        await page.FillAsync("#email", "gina@acme.test");
        await page.FillAsync("#password", UsersApiTests.StrongPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("body")).ToHaveTextAsync("signed in");

        var (status, tokens) = await flow.RedeemAsync(await code.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(200, status);
        var idToken = Tokens.Read(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(("user", "internal"), (idToken.GetClaim("role").Value, idToken.GetClaim("user_type").Value));
    }
}
