using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// The authorization-code + PKCE flow end to end: a real relying party (ASP.NET Core's OpenIdConnect
/// handler) redirects a browser to the IdP, the person signs in on the page, and the relying party
/// receives tokens whose signatures check out against the published JWKS. One host for the class; each test
/// has an org of its own set up as the demo's acme (it locks an account, verifies a domain), and its own portal app.
/// </summary>
public sealed class SignInFlowTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string _clientId = null!;
    private OidcRelyingParty _acmeApp = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _clientId = $"{_org.Id}-portal";
        _acmeApp = await _idp.StartPublicAppAsync(_clientId, _org.Id, StepUpIdp.Domain.Policy.AppEnforcement.Exempt);
        await _idp.GrantAsync(_clientId, _org.Admin, AppRole.Admin);
        await _idp.GrantAsync(_clientId, _org.External, AppRole.User);
    }

    public async Task DisposeAsync() => await _acmeApp.DisposeAsync();

    [Fact]
    public async Task Internal_user_signs_in_and_the_id_token_says_internal_admin_of_acme()
    {
        using var browser = new Browser(_from);
        var outcome = (await SignInAsync(browser, _acmeApp, _org.Admin)).Succeeded();

        var idToken = await Tokens.ValidateIdTokenAsync(_idp.Address, outcome.IdToken!, _clientId);
        Assert.Equal(_org.Id, idToken.GetClaim("org").Value);
        Assert.Equal("internal", idToken.GetClaim("user_type").Value);
        Assert.Equal("admin", idToken.GetClaim("role").Value);
        Assert.Equal("urn:stepupidp:acr:basic", idToken.GetClaim("acr").Value);
        Assert.Equal(["pwd"], idToken.StringArray("amr"));
        Assert.True(idToken.TryGetPayloadValue<long>("auth_time", out var authTime) && authTime > 0);
        Assert.False(idToken.TryGetPayloadValue<bool>("guest", out _));
        Assert.Equal([_clientId], Tokens.Read(outcome.AccessToken!).Audiences);
    }

    [Fact]
    public async Task External_user_is_external_in_acme_and_internal_in_an_org_that_verifies_his_domain()
    {
        var partner = $"{_org.Id}-partner";
        var partnerPortal = $"{partner}-portal";
        await _idp.AddOrganisationAsync(partner, "Partner Ltd", _org.External[(_org.External.IndexOf('@') + 1)..]);
        await using var partnerApp = await _idp.StartPublicAppAsync(partnerPortal, partner, StepUpIdp.Domain.Policy.AppEnforcement.Exempt);
        await _idp.GrantAsync(partnerPortal, _org.External, AppRole.User);

        using var browser = new Browser(_from);
        var atAcme = (await SignInAsync(browser, _acmeApp, _org.External)).Succeeded();
        var acmeToken = await Tokens.ValidateIdTokenAsync(_idp.Address, atAcme.IdToken!, _clientId);
        Assert.Equal(_org.Id, acmeToken.GetClaim("org").Value);
        Assert.Equal("external", acmeToken.GetClaim("user_type").Value);
        Assert.Equal("user", acmeToken.GetClaim("role").Value);

        // Same browser, same IdP session: single sign-on into the partner's app, where bob is internal.
        var atPartner = SignInOutcome.From(await browser.OpenAsync(partnerApp.LoginUri())).Succeeded();
        var partnerToken = await Tokens.ValidateIdTokenAsync(_idp.Address, atPartner.IdToken!, partnerPortal);
        Assert.Equal(partner, partnerToken.GetClaim("org").Value);
        Assert.Equal("internal", partnerToken.GetClaim("user_type").Value);
        Assert.Equal(acmeToken.Subject, partnerToken.Subject);
    }

    [Fact]
    public async Task Wrong_password_shows_the_same_message_as_an_unknown_email()
    {
        using var browser = new Browser(_from);
        var signIn = await browser.OpenAsync(_acmeApp.LoginUri());
        Assert.Contains(_clientId, signIn.Html);

        var wrongPassword = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = _org.Admin, ["Password"] = "nope" });
        var unknownEmail = await browser.SubmitAsync(wrongPassword, new Dictionary<string, string> { ["Email"] = "nobody@acme.test", ["Password"] = "nope" });

        Assert.Equal(wrongPassword.Text("#signin-error"), unknownEmail.Text("#signin-error"));
        Assert.NotNull(wrongPassword.Text("#signin-error"));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_password()
    {
        using var browser = new Browser(_from);
        var page = await browser.OpenAsync(_acmeApp.LoginUri());
        for (var i = 0; i < 5; i++)
        {
            page = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Email"] = _org.Admin, ["Password"] = "wrong-" + i });
        }

        var withRightPassword = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Email"] = _org.Admin, ["Password"] = "demo-Passw0rd" });
        Assert.NotNull(withRightPassword.Text("#signin-error"));
    }

    [Fact]
    public async Task Account_without_a_role_on_the_app_gets_access_denied()
    {
        using var browser = new Browser(_from);
        var outcome = await SignInAsync(browser, _acmeApp, _org.Member);
        Assert.Equal("access_denied", outcome.Error);
    }

    [Fact]
    public async Task Refresh_token_rotates_and_the_new_access_token_keeps_the_claims()
    {
        using var browser = new Browser(_from);
        var outcome = (await SignInAsync(browser, _acmeApp, _org.Admin)).Succeeded();
        Assert.NotNull(outcome.RefreshToken);

        using var refreshed = await Tokens.PostFormAsync(new Uri(_idp.Address, "connect/token"), new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = _clientId,
            ["refresh_token"] = outcome.RefreshToken!,
        });
        var newRefresh = refreshed.RootElement.GetProperty("refresh_token").GetString();
        Assert.NotEqual(outcome.RefreshToken, newRefresh);
        var access = Tokens.Read(refreshed.RootElement.GetProperty("access_token").GetString()!);
        Assert.Equal("internal", access.GetClaim("user_type").Value);
        Assert.Equal(_org.Id, access.GetClaim("org").Value);
    }

    internal static async Task<SignInOutcome> SignInAsync(Browser browser, OidcRelyingParty app, string email, string password = "demo-Passw0rd", string? query = null)
    {
        var signIn = await browser.OpenAsync(app.LoginUri(query));
        Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
        var landed = await browser.SubmitAsync(signIn, new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        return SignInOutcome.From(landed);
    }
}
