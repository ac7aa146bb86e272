using StepUpIdp.Domain.Apps;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.Apps;

public sealed class AppRegistrationRulesTests
{
    private static AppRegistrationRequest Spa(
        IReadOnlyList<string>? redirects = null, IReadOnlyList<string>? origins = null, string? backChannel = null, string type = "public") =>
        new("Portal", type, redirects ?? ["https://portal.example/callback"], ["https://portal.example/"], origins ?? ["https://portal.example"],
            backChannel, null, ["eng"], null);

    [Fact]
    public void A_browser_app_is_registered_in_canonical_form()
    {
        var (app, errors) = AppRegistrationRules.Validate(Spa(origins: ["HTTPS://Portal.Example/", "http://127.0.0.1:8765"], backChannel: "https://portal.example/bc"));
        Assert.Empty(errors);
        Assert.False(app!.Confidential);
        Assert.Equal(["https://portal.example", "http://127.0.0.1:8765"], app.AllowedOrigins);
        Assert.Equal(AppEnforcement.Enforced, app.Enforcement);
        Assert.Equal(AppRegistrationRules.DefaultScopes, app.Scopes);
        Assert.Equal("https://portal.example/bc", app.BackChannelLogoutUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://portal.example/callback#frag")]
    [InlineData("http://portal.example/callback")]
    [InlineData("/callback")]
    [InlineData("https://user:pw@portal.example/callback")]
    public void Redirect_uris_with_a_fragment_plain_http_off_loopback_or_relative_are_refused(string uri) =>
        Assert.Contains("redirectUris", AppRegistrationRules.Validate(Spa(redirects: [uri])).Errors.Keys);

    [Fact]
    public void Loopback_http_redirects_are_allowed_for_native_and_development_apps() =>
        Assert.Empty(AppRegistrationRules.Validate(Spa(redirects: ["http://127.0.0.1:8765/callback"])).Errors);

    [Theory]
    [InlineData("https://portal.example/app")]
    [InlineData("https://portal.example?x=1")]
    [InlineData("https://portal.example#x")]
    [InlineData("http://portal.example")]
    [InlineData("portal.example")]
    public void Origins_with_a_path_or_query_or_on_plain_http_are_refused(string origin) =>
        Assert.Contains("allowedOrigins", AppRegistrationRules.Validate(Spa(origins: [origin])).Errors.Keys);

    [Theory]
    [InlineData("https://portal.example/bc#x")]
    [InlineData("ftp://portal.example/bc")]
    [InlineData("bc")]
    public void Back_channel_logout_uris_are_absolute_http_without_a_fragment(string uri) =>
        Assert.Contains("backChannelLogoutUri", AppRegistrationRules.Validate(Spa(backChannel: uri)).Errors.Keys);

    [Fact]
    public void A_public_app_needs_a_redirect_uri_and_a_confidential_one_does_not()
    {
        Assert.Contains("redirectUris", AppRegistrationRules.Validate(Spa(redirects: [])).Errors.Keys);
        Assert.Empty(AppRegistrationRules.Validate(Spa(redirects: [], type: "confidential")).Errors);
    }

    [Fact]
    public void Every_bad_field_is_named_at_once()
    {
        var (app, errors) = AppRegistrationRules.Validate(new AppRegistrationRequest(" ", "spa", null, null, null, null, "sometimes", ["Eng Team"], ["admin"]));
        Assert.Null(app);
        Assert.Equal(["enforcement", "name", "scopes", "spaces", "type"], errors.Keys.Order());
    }
}
