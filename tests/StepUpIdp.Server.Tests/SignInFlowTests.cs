using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// The authorization-code + PKCE flow end to end: a real relying party (ASP.NET Core's OpenIdConnect
/// handler) redirects a browser to the IdP, the person signs in on the page, and the relying party
/// receives tokens whose signatures check out against the published JWKS.
/// </summary>
public sealed class SignInFlowTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new();
    private OidcRelyingParty _acmeApp = null!;

    public async Task InitializeAsync()
    {
        _acmeApp = await OidcRelyingParty.StartAsync(_idp.Address, "acme-portal");
        await _idp.RegisterPublicAppAsync("acme-portal", "acme", _acmeApp.RedirectUri, StepUpIdp.Domain.Policy.AppEnforcement.Exempt);
        await _idp.GrantAsync("acme-portal", "alice@acme.test", AppRole.Admin);
        await _idp.GrantAsync("acme-portal", "bob@partner.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _acmeApp.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task Internal_user_signs_in_and_the_id_token_says_internal_admin_of_acme()
    {
        using var browser = new Browser();
        var outcome = (await SignInAsync(browser, _acmeApp, "alice@acme.test")).Succeeded();

        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, outcome.IdToken!, "acme-portal");
        Assert.Equal("acme", idToken.GetClaim("org").Value);
        Assert.Equal("internal", idToken.GetClaim("user_type").Value);
        Assert.Equal("admin", idToken.GetClaim("role").Value);
        Assert.Equal("urn:stepupidp:acr:basic", idToken.GetClaim("acr").Value);
        Assert.Equal(["pwd"], idToken.StringArray("amr"));
        Assert.True(idToken.TryGetPayloadValue<long>("auth_time", out var authTime) && authTime > 0);
        Assert.False(idToken.TryGetPayloadValue<bool>("guest", out _));
        Assert.Equal(["acme-portal"], Tokens.Read(outcome.AccessToken!).Audiences);
    }

    [Fact]
    public async Task External_user_is_external_in_acme_and_internal_in_an_org_that_verifies_his_domain()
    {
        await _idp.AddOrganisationAsync("partner", "Partner Ltd", "partner.test");
        await using var partnerApp = await OidcRelyingParty.StartAsync(_idp.Address, "partner-portal");
        await _idp.RegisterPublicAppAsync("partner-portal", "partner", partnerApp.RedirectUri, StepUpIdp.Domain.Policy.AppEnforcement.Exempt);
        await _idp.GrantAsync("partner-portal", "bob@partner.test", AppRole.User);

        using var browser = new Browser();
        var atAcme = (await SignInAsync(browser, _acmeApp, "bob@partner.test")).Succeeded();
        var acmeToken = await Tokens.ValidateIdTokenAsync(_idp.Address, atAcme.IdToken!, "acme-portal");
        Assert.Equal("acme", acmeToken.GetClaim("org").Value);
        Assert.Equal("external", acmeToken.GetClaim("user_type").Value);
        Assert.Equal("user", acmeToken.GetClaim("role").Value);

        // Same browser, same IdP session: single sign-on into the partner's app, where bob is internal.
        var atPartner = SignInOutcome.From(await browser.OpenAsync(partnerApp.LoginUri())).Succeeded();
        var partnerToken = await Tokens.ValidateIdTokenAsync(_idp.Address, atPartner.IdToken!, "partner-portal");
        Assert.Equal("partner", partnerToken.GetClaim("org").Value);
        Assert.Equal("internal", partnerToken.GetClaim("user_type").Value);
        Assert.Equal(acmeToken.Subject, partnerToken.Subject);
    }

    [Fact]
    public async Task Wrong_password_shows_the_same_message_as_an_unknown_email()
    {
        using var browser = new Browser();
        var signIn = await browser.OpenAsync(_acmeApp.LoginUri());
        Assert.Contains("acme-portal", signIn.Html);

        var wrongPassword = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = "alice@acme.test", ["Password"] = "nope" });
        var unknownEmail = await browser.SubmitAsync(wrongPassword, new Dictionary<string, string> { ["Email"] = "nobody@acme.test", ["Password"] = "nope" });

        Assert.Equal(wrongPassword.Text("#signin-error"), unknownEmail.Text("#signin-error"));
        Assert.NotNull(wrongPassword.Text("#signin-error"));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_password()
    {
        using var browser = new Browser();
        var page = await browser.OpenAsync(_acmeApp.LoginUri());
        for (var i = 0; i < 5; i++)
        {
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Email"] = "alice@acme.test", ["Password"] = "wrong-" + i });
        }

        var withRightPassword = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Email"] = "alice@acme.test", ["Password"] = "demo-Passw0rd" });
        Assert.NotNull(withRightPassword.Text("#signin-error"));
    }

    [Fact]
    public async Task Account_without_a_role_on_the_app_gets_access_denied()
    {
        using var browser = new Browser();
        var outcome = await SignInAsync(browser, _acmeApp, "dave@acme.test");
        Assert.Equal("access_denied", outcome.Error);
    }

    [Fact]
    public async Task Refresh_token_rotates_and_the_new_access_token_keeps_the_claims()
    {
        using var browser = new Browser();
        var outcome = (await SignInAsync(browser, _acmeApp, "alice@acme.test")).Succeeded();
        Assert.NotNull(outcome.RefreshToken);

        using var refreshed = await Tokens.PostFormAsync(new Uri(_idp.Address, "connect/token"), new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = "acme-portal",
            ["refresh_token"] = outcome.RefreshToken!,
        });
        var newRefresh = refreshed.RootElement.GetProperty("refresh_token").GetString();
        Assert.NotEqual(outcome.RefreshToken, newRefresh);
        var access = Tokens.Read(refreshed.RootElement.GetProperty("access_token").GetString()!);
        Assert.Equal("internal", access.GetClaim("user_type").Value);
        Assert.Equal("acme", access.GetClaim("org").Value);
    }

    internal static async Task<SignInOutcome> SignInAsync(Browser browser, OidcRelyingParty app, string email, string password = "demo-Passw0rd", string? query = null)
    {
        var signIn = await browser.OpenAsync(app.LoginUri(query));
        Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
        var landed = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        return SignInOutcome.From(landed);
    }
}
