using System.Net;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Server.Pages.Account;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Passwords;

/// <summary>
/// Wrong current passwords at <c>/account/password</c> count towards the account's password lock-out as at sign-in
/// (5 in a row lock for 15 minutes), so a stolen session cookie cannot guess the password without limit. One host for
/// the class; each test has an account of its own.
/// </summary>
public sealed class PasswordChangeLockoutTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    private const string Strong = BootstrapTests.StrongPassword;
    private static readonly int MaxFailures = PasswordLockout.Default.MaxFailures;
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();

    [Fact]
    public async Task After_five_wrong_current_passwords_the_right_one_is_refused_and_sign_in_is_locked_too()
    {
        var (dave, browser, form) = await SignedInOnChangePageAsync();
        using var _ = browser;

        for (var i = 0; i < MaxFailures; i++)
        {
            form = await browser.SubmitAsync(form, new Dictionary<string, string> { ["CurrentPassword"] = $"wrong-{i}", ["NewPassword"] = Strong });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, form.Status);
        }

        var refused = await browser.SubmitAsync(form, new Dictionary<string, string> { ["CurrentPassword"] = People.Password, ["NewPassword"] = Strong });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Null(refused.Text("#password-changed"));
        Assert.Equal(ChangePasswordModel.LockedMessage, refused.Text("#current-password-error"));

        // The same lock holds at sign-in, and the password did not change.
        using var other = new Browser(_from);
        var signIn = await other.SignInAsync(await other.OpenAsync(new Uri(_idp.Address, "account/signin")), dave);
        Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
        Assert.Equal(SignInModel.FailureMessage, signIn.Text("#signin-error"));
    }

    [Fact]
    public async Task A_right_current_password_clears_the_count_as_a_sign_in_does()
    {
        var (dave, browser, form) = await SignedInOnChangePageAsync();
        using var _ = browser;

        for (var i = 0; i < MaxFailures - 1; i++)
        {
            form = await browser.SubmitAsync(form, new Dictionary<string, string> { ["CurrentPassword"] = $"wrong-{i}", ["NewPassword"] = Strong });
        }

        var changed = await browser.SubmitAsync(form, new Dictionary<string, string> { ["CurrentPassword"] = People.Password, ["NewPassword"] = Strong });
        Assert.NotNull(changed.Text("#password-changed"));

        // Had the count not been cleared, the next wrong password would lock the account and the right one fail.
        using var other = new Browser(_from);
        var wrong = await other.SignInAsync(await other.OpenAsync(new Uri(_idp.Address, "account/signin")), dave, "not-the-password");
        Assert.Equal("/account/signin", wrong.Url.AbsolutePath);
        var signedIn = await other.SignInAsync(await other.OpenAsync(new Uri(_idp.Address, "account/signin")), dave, Strong);
        Assert.Equal("/", signedIn.Url.AbsolutePath);
    }

    private async Task<(string Email, Browser Browser, Page Form)> SignedInOnChangePageAsync()
    {
        var dave = $"dave-{Guid.NewGuid():N}@acme.test";
        await _idp.AddAccountAsync(dave);
        var browser = new Browser(_from);
        var form = await browser.SignInAsync(await browser.OpenAsync(new Uri(_idp.Address, "account/signin?ReturnUrl=%2Faccount%2Fpassword")), dave);
        Assert.Equal("/account/password", form.Url.AbsolutePath);
        return (dave, browser, form);
    }
}
