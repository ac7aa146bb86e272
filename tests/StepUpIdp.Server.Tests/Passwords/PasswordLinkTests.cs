using System.Net;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Server.Bootstrap;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Passwords;

/// <summary>
/// Set-password and reset links: single use, 30 minutes, strong passwords only, no hint which addresses exist. Links from
/// the bootstrap need an empty IdP each (and one a clock); the other tests share a host and change their own account.
/// </summary>
public sealed class PasswordLinkTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    private const string Strong = BootstrapTests.StrongPassword;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();

    [Fact]
    public async Task A_weak_password_is_refused_with_a_reason_and_the_link_still_works()
    {
        await using var idp = BootstrapTests.EmptyIdp();
        var link = ((BootstrapResult.Created)await BootstrapTests.BootstrapAsync(idp)).SetUpLink;
        using var browser = new Browser();
        var form = await browser.OpenAsync(link);

        foreach (var weak in new[] { "short-one", "password1234", "acme-root-acme" })
        {
            var refused = await browser.SubmitAsync(form, new Dictionary<string, string> { ["NewPassword"] = weak });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
            Assert.NotNull(refused.Text("#new-password-error"));
            form = refused;
        }

        var done = await browser.SubmitAsync(form, new Dictionary<string, string> { ["NewPassword"] = Strong });
        Assert.NotNull(done.Text("#password-set"));
    }

    [Fact]
    public async Task A_link_works_once()
    {
        await using var idp = BootstrapTests.EmptyIdp();
        var link = ((BootstrapResult.Created)await BootstrapTests.BootstrapAsync(idp)).SetUpLink;
        using var first = new Browser();
        using var second = new Browser();
        var formA = await first.OpenAsync(link);
        var formB = await second.OpenAsync(link);

        Assert.NotNull((await first.SubmitAsync(formA, new Dictionary<string, string> { ["NewPassword"] = Strong })).Text("#password-set"));
        var late = await second.SubmitAsync(formB, new Dictionary<string, string> { ["NewPassword"] = "another-strong-passphrase-9" });
        Assert.Equal(HttpStatusCode.Gone, late.Status);
        Assert.NotNull(late.Text("#link-unusable"));

        // The password from the first tab is the one that works.
        var signedIn = await second.SignInAsync(await second.OpenAsync(new Uri(idp.Address, "account/signin")), "root@acme.example", Strong);
        Assert.Equal("/", signedIn.Url.AbsolutePath);
    }

    [Fact]
    public async Task A_link_expires_after_30_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var idp = BootstrapTests.EmptyIdp(clock);
        var link = ((BootstrapResult.Created)await BootstrapTests.BootstrapAsync(idp)).SetUpLink;
        using var browser = new Browser();
        var form = await browser.OpenAsync(link);

        clock.Advance(TimeSpan.FromMinutes(30));
        var expired = await browser.SubmitAsync(form, new Dictionary<string, string> { ["NewPassword"] = Strong });
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("expired", expired.Text("#link-unusable"));
    }

    [Theory]
    [InlineData("account/set-password")]
    [InlineData("account/set-password?token=nonsense")]
    [InlineData("account/set-password?token=0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_missing_or_forged_token_gets_a_readable_page(string path)
    {
        var idp = shared.Host;
        using var browser = new Browser(_from);
        var page = await browser.OpenAsync(new Uri(idp.Address, path));
        Assert.Equal(HttpStatusCode.Gone, page.Status);
        Assert.NotNull(page.Text("#link-unusable"));
    }

    [Fact]
    public async Task Forgot_password_answers_alike_for_unknown_addresses_and_mails_a_working_link_to_known_ones()
    {
        var (mail, idp) = (shared.Mail, shared.Host);
        var dave = $"dave-{Guid.NewGuid():N}@acme.test";
        var nobody = $"nobody-{Guid.NewGuid():N}@acme.test";
        await idp.AddAccountAsync(dave);
        using var browser = new Browser(_from);

        var unknown = await RequestResetAsync(browser, idp, nobody);
        var known = await RequestResetAsync(browser, idp, dave);
        Assert.Equal(unknown.Status, known.Status);
        Assert.Equal(unknown.Html.Replace(nobody, "X", StringComparison.Ordinal), known.Html.Replace(dave, "X", StringComparison.Ordinal));

        var message = await mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == dave), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(mail.Messages, m => m.To.Mailboxes.Any(b => b.Address == nobody));
        var link = new Uri(MailPatterns.SetPasswordLink().Match(message.TextBody ?? "").Value);

        var form = await browser.OpenAsync(link);
        var done = await browser.SubmitAsync(form, new Dictionary<string, string> { ["NewPassword"] = Strong });
        Assert.NotNull(done.Text("#password-set"));

        var oldPassword = await browser.SignInAsync(await browser.OpenAsync(new Uri(idp.Address, "account/signin")), dave);
        Assert.Equal("/account/signin", oldPassword.Url.AbsolutePath);
        var newPassword = await browser.SignInAsync(await browser.OpenAsync(new Uri(idp.Address, "account/signin")), dave, Strong);
        Assert.Equal("/", newPassword.Url.AbsolutePath);
    }

    [Fact]
    public async Task A_signed_in_person_changes_the_password_with_the_current_one()
    {
        var idp = shared.Host;
        var dave = $"dave-{Guid.NewGuid():N}@acme.test";
        await idp.AddAccountAsync(dave);
        using var browser = new Browser(_from);
        await browser.SignInAsync(await browser.OpenAsync(new Uri(idp.Address, "account/signin?ReturnUrl=%2Faccount%2Fpassword")), dave);
        var form = browser.Current!;
        Assert.Equal("/account/password", form.Url.AbsolutePath);
        PageAssert.FieldsAreLabelled(form);
        Assert.Equal(["current-password", "new-password"], form.Document.QuerySelectorAll("input:not([type=hidden])").Select(i => i.GetAttribute("autocomplete")));

        var wrong = await browser.SubmitAsync(form, new Dictionary<string, string> { ["CurrentPassword"] = "not-it", ["NewPassword"] = Strong });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.NotNull(wrong.Text("#current-password-error"));
        var weak = await browser.SubmitAsync(wrong, new Dictionary<string, string> { ["CurrentPassword"] = People.Password, ["NewPassword"] = "password1234" });
        Assert.NotNull(weak.Text("#new-password-error"));
        var changed = await browser.SubmitAsync(weak, new Dictionary<string, string> { ["CurrentPassword"] = People.Password, ["NewPassword"] = Strong });
        Assert.NotNull(changed.Text("#password-changed"));

        using var later = new Browser(_from);
        var signedIn = await later.SignInAsync(await later.OpenAsync(new Uri(idp.Address, "account/signin")), dave, Strong);
        Assert.Equal("/", signedIn.Url.AbsolutePath);
    }

    private static async Task<Page> RequestResetAsync(Browser browser, IdpHost idp, string email)
    {
        var form = await browser.OpenAsync(new Uri(idp.Address, "account/forgot-password"));
        return await browser.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = email });
    }
}
