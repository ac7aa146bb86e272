using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>Signing in at the IdP itself lands on a home page with the account's pages, and signing out ends the session.</summary>
public sealed class HomePageTests
{
    [Fact]
    public async Task A_direct_sign_in_lands_on_the_home_page_and_sign_out_ends_the_session()
    {
        await using var idp = new IdpHost();
        using var browser = new Browser();

        var home = await browser.SignInAsync(await browser.OpenAsync(new Uri(idp.Address, "account/signin")), "alice@acme.test");
        Assert.Equal("/", home.Url.AbsolutePath);
        Assert.Contains("alice@acme.test", home.Text("#signed-in-as"));
        Assert.NotNull(home.Document.QuerySelector("#admin-link"));

        var signedOut = await browser.SubmitAsync(home, new Dictionary<string, string>(), "#sign-out-form");
        Assert.Equal("/account/signed-out", signedOut.Url.AbsolutePath);
        var again = await browser.OpenAsync(idp.Address);
        Assert.NotNull(again.Document.QuerySelector("#sign-in"));
    }
}
