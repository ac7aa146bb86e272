using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>
/// The back-channel logout endpoint against OIDC Back-Channel Logout 1.0: the validation of section 2.6 and the
/// answers of section 2.8 (200, or 400 with <c>invalid_request</c>, always <c>Cache-Control: no-store</c>).
/// </summary>
public sealed class BackChannelLogoutTests : IAsyncDisposable
{
    private readonly StepUpWebAppHost _web = new();

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store is missing.");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request", body.RootElement.GetProperty("error").GetString());
    }

    private async Task<bool> SessionEndedAsync(string cookie) =>
        await (await _web.GetAsync("/public", cookie)).Content.ReadAsStringAsync() == "anonymous";

    [Fact]
    public async Task A_valid_logout_token_is_answered_200_and_ends_the_session_it_names()
    {
        var cookie = await _web.SignInAsync(("sid", "sid-1"), ("acr", StepUpAcr.Basic));
        var other = await _web.SignInAsync(("sid", "sid-2"), ("acr", StepUpAcr.Basic));

        var response = await _web.PostLogoutAsync(_web.LogoutToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.True(await SessionEndedAsync(cookie));
        Assert.False(await SessionEndedAsync(other));
    }

    [Fact]
    public async Task The_endpoint_answers_the_idp_when_the_app_requires_a_signed_in_user_everywhere()
    {
        // A fallback policy is the usual way to protect a whole app; the IdP posts without any session.
        await using var web = new StepUpWebAppHost(services => services.AddAuthorization(o =>
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()));

        Assert.Equal(HttpStatusCode.OK, (await web.PostLogoutAsync(web.LogoutToken())).StatusCode);
    }

    [Fact]
    public async Task A_token_with_only_sub_ends_that_persons_sessions_signed_in_before_it()
    {
        var before = await _web.SignInAsync(("acr", StepUpAcr.Basic), ("auth_time", DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()));
        var without = await _web.SignInAsync(("acr", StepUpAcr.Basic));
        var mapped = await _web.SignInAsync((ClaimTypes.NameIdentifier, "acct-1"), ("auth_time", DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()));
        var someoneElse = await _web.SignInAsync(("sub", "acct-2"), ("auth_time", DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()));

        Assert.Equal(HttpStatusCode.OK, (await _web.PostLogoutAsync(_web.LogoutToken(c => c.Remove("sid")))).StatusCode);

        Assert.True(await SessionEndedAsync(before));
        Assert.True(await SessionEndedAsync(without), "A session without auth_time cannot show it began after the logout.");
        Assert.True(await SessionEndedAsync(mapped), "sub under ASP.NET Core's default claim mapping is the same person.");
        Assert.False(await SessionEndedAsync(someoneElse));
        var after = await _web.SignInAsync(("acr", StepUpAcr.Basic), ("auth_time", DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds()));
        Assert.False(await SessionEndedAsync(after));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.AAAA")]
    public async Task A_missing_or_garbage_token_is_refused(string? token) =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(token));

    [Fact]
    public async Task A_token_for_another_app_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(audience: "other-app")));

    [Fact]
    public async Task A_token_from_another_issuer_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c["iss"] = "https://evil.test/")));

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = _web.LogoutToken(c =>
        {
            c["iat"] = EpochTime.GetIntDate(DateTime.UtcNow.AddMinutes(-10));
            c["exp"] = EpochTime.GetIntDate(DateTime.UtcNow.AddMinutes(-5));
        });

        await AssertRefusedAsync(await _web.PostLogoutAsync(token));
    }

    [Fact]
    public async Task An_unsigned_token_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(Unsigned(_web.LogoutToken())));

    [Fact]
    public async Task A_token_signed_with_hs256_and_the_idps_public_key_as_secret_is_refused()
    {
        // The classic key confusion: the "secret" is public.
        var secret = new SymmetricSecurityKey(StepUpWebAppHost.SigningKey.Rsa.ExportSubjectPublicKeyInfo()) { KeyId = StepUpWebAppHost.SigningKey.KeyId };

        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(signing: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256))));
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("at+jwt")]
    public async Task A_token_typed_as_something_else_is_refused(string type) =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(type: type)));

    [Fact]
    public async Task A_token_without_typ_is_accepted_as_section_2_4_allows() =>
        Assert.Equal(HttpStatusCode.OK, (await _web.PostLogoutAsync(_web.LogoutToken(type: null))).StatusCode);

    [Fact]
    public async Task A_token_with_a_nonce_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c["nonce"] = "n-1")));

    [Fact]
    public async Task A_token_without_the_logout_event_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c["events"] = new Dictionary<string, object> { ["urn:other:event"] = new Dictionary<string, object>() })));

    [Fact]
    public async Task A_token_without_events_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c.Remove("events"))));

    [Fact]
    public async Task A_token_whose_events_is_a_string_holding_the_json_is_refused()
    {
        // Section 2.6 step 6: the value of events is a JSON object, not a string that reads as one.
        var token = _web.LogoutToken(c => c["events"] = "{\"" + BackChannelLogout.LogoutEvent + "\":{}}");

        await AssertRefusedAsync(await _web.PostLogoutAsync(token));
    }

    [Fact]
    public async Task A_token_whose_events_is_an_array_is_refused()
    {
        var token = _web.LogoutToken(c => c["events"] = new object[] { new Dictionary<string, object> { [BackChannelLogout.LogoutEvent] = new Dictionary<string, object>() } });

        await AssertRefusedAsync(await _web.PostLogoutAsync(token));
    }

    [Fact]
    public async Task A_token_whose_logout_event_is_not_an_object_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c["events"] = new Dictionary<string, object> { [BackChannelLogout.LogoutEvent] = "yes" })));

    [Fact]
    public async Task A_token_without_sid_or_sub_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c =>
        {
            c.Remove("sid");
            c.Remove("sub");
        })));

    [Fact]
    public async Task A_token_without_jti_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c.Remove("jti"))));

    [Fact]
    public async Task A_token_without_iat_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c.Remove("iat"))));

    [Fact]
    public async Task A_token_issued_in_the_future_is_refused() =>
        await AssertRefusedAsync(await _web.PostLogoutAsync(_web.LogoutToken(c => c["iat"] = EpochTime.GetIntDate(DateTime.UtcNow.AddHours(1)))));

    [Fact]
    public async Task A_token_issued_a_little_ahead_of_the_apps_clock_is_accepted() =>
        Assert.Equal(HttpStatusCode.OK, (await _web.PostLogoutAsync(_web.LogoutToken(c => c["iat"] = EpochTime.GetIntDate(DateTime.UtcNow.AddSeconds(30))))).StatusCode);

    [Fact]
    public async Task The_same_token_posted_twice_is_refused_the_second_time()
    {
        var token = _web.LogoutToken();

        Assert.Equal(HttpStatusCode.OK, (await _web.PostLogoutAsync(token)).StatusCode);
        await AssertRefusedAsync(await _web.PostLogoutAsync(token));
    }

    [Fact]
    public async Task A_token_is_remembered_for_its_whole_lifetime_so_a_late_replay_is_refused()
    {
        await using var web = new StepUpWebAppHost(services => services.AddSingleton<IDistributedCache>(sp => new ClockedCache(sp.GetRequiredService<TimeProvider>())));
        var token = web.LogoutToken(lifetime: TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.OK, (await web.PostLogoutAsync(token)).StatusCode);

        web.Time.Advance(TimeSpan.FromMinutes(20));

        await AssertRefusedAsync(await web.PostLogoutAsync(token));
    }

    [Fact]
    public async Task The_same_token_posted_twice_at_once_is_accepted_once()
    {
        await using var web = new StepUpWebAppHost(services => services.AddSingleton<IDistributedCache>(sp => new ReadersMeetCache(sp.GetRequiredService<TimeProvider>(), "stepupidp:bcl:jti:")));
        var token = web.LogoutToken();

        var answers = await Task.WhenAll(web.PostLogoutAsync(token), web.PostLogoutAsync(token));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.BadRequest], answers.Select(a => a.StatusCode).Order());
    }

    [Fact]
    public async Task A_token_signed_with_a_key_the_idp_rolled_to_is_accepted_after_reading_the_keys_again()
    {
        var keys = new RollingConfiguration();
        await using var web = new StepUpWebAppHost(services => services.PostConfigure<OpenIdConnectOptions>(
            OpenIdConnectDefaults.AuthenticationScheme, o => o.ConfigurationManager = keys));

        var response = await web.PostLogoutAsync(web.LogoutToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(keys.Refreshed);
    }

    public async ValueTask DisposeAsync() => await _web.DisposeAsync();

    /// <summary>The IdP's configuration as the app last read it (an old key), and as it reads it after a refresh.</summary>
    private sealed class RollingConfiguration : IConfigurationManager<OpenIdConnectConfiguration>
    {
        public bool Refreshed { get; private set; }

        public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = StepUpWebAppHost.Issuer, AuthorizationEndpoint = StepUpWebAppHost.AuthorizationEndpoint };
            configuration.SigningKeys.Add(Refreshed ? StepUpWebAppHost.SigningKey : new RsaSecurityKey(RSA.Create(2048)) { KeyId = "old-key" });
            return Task.FromResult(configuration);
        }

        public void RequestRefresh() => Refreshed = true;
    }

    /// <summary>The token's payload under a header with <c>alg</c> <c>none</c> and no signature.</summary>
    private static string Unsigned(string token)
    {
        var parts = token.Split('.');
        return Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"logout+jwt\"}") + "." + parts[1] + ".";
    }
}
