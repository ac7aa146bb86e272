using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace StepUpIdp.RelyingParty.Tests.Integration;

public sealed class StepUpWebAppTests : IAsyncDisposable
{
    // One host per test: the tests move its clock.
    private readonly StepUpWebAppHost _web = new();

    private DateTimeOffset Now => _web.Time.GetUtcNow();

    /// <summary>Asserts a redirect to the IdP's authorization endpoint and answers its query.</summary>
    private static Dictionary<string, string> AuthorizationRequest(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(StepUpWebAppHost.AuthorizationEndpoint, location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        Assert.Equal("demo-spa", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("http://localhost/callback", query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        return query;
    }

    [Fact]
    public async Task Session_past_reverify_at_is_sent_back_to_the_idp_to_verify_again()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Otp), ("user_type", "external"), ("reverify_at", Now.AddDays(1).ToUnixTimeSeconds()));
        _web.Time.Advance(TimeSpan.FromDays(1) + StepUpDecision.ClockSkew);

        var response = await _web.GetAsync("/page", cookie);

        var request = AuthorizationRequest(response);
        Assert.Equal(StepUpAcr.Otp, request["acr_values"]);
        Assert.False(request.ContainsKey("max_age"));
        // The session cookie is deleted, so the old session cannot be replayed to other pages.
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Cookies=;", StringComparison.Ordinal));
        Assert.False(response.Headers.Contains("X-App-Validated"));
    }

    [Fact]
    public async Task Session_before_reverify_at_is_served_and_the_apps_own_validation_runs()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Otp), ("reverify_at", Now.AddDays(1).ToUnixTimeSeconds()));
        _web.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));

        var response = await _web.GetAsync("/page", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("page", await response.Content.ReadAsStringAsync());
        Assert.Equal("yes", Assert.Single(response.Headers.GetValues("X-App-Validated")));
    }

    [Fact]
    public async Task Past_reverify_at_ends_the_session_on_public_pages_too()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Otp), ("reverify_at", (Now - StepUpDecision.ClockSkew).ToUnixTimeSeconds()));

        var response = await _web.GetAsync("/public", cookie);

        Assert.Equal("anonymous", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Session_just_past_reverify_at_is_kept_while_the_idps_clock_may_still_count_it()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Otp), ("reverify_at", Now.ToUnixTimeSeconds()));
        _web.Time.Advance(StepUpDecision.ClockSkew - TimeSpan.FromSeconds(1));

        Assert.Equal("page", await (await _web.GetAsync("/page", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Internal_user_without_reverify_at_keeps_the_session()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Basic), ("user_type", "internal"));
        _web.Time.Advance(TimeSpan.FromDays(7)); // within the cookie's own 14-day lifetime

        Assert.Equal(HttpStatusCode.OK, (await _web.GetAsync("/page", cookie)).StatusCode);
    }

    [Fact]
    public async Task Basic_session_on_an_otp_page_is_sent_to_the_idp_with_acr_values()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Basic));

        var response = await _web.GetAsync("/otp-page", cookie);

        Assert.Equal(StepUpAcr.Otp, AuthorizationRequest(response)["acr_values"]);
    }

    [Fact]
    public async Task Otp_session_on_an_otp_page_is_served()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Otp));

        Assert.Equal("otp page", await (await _web.GetAsync("/otp-page", cookie)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Old_session_on_a_recent_authentication_page_is_sent_to_the_idp_with_max_age()
    {
        var cookie = await _web.SignInAsync(("acr", StepUpAcr.Basic), ("auth_time", Now.ToUnixTimeSeconds()));
        _web.Time.Advance(TimeSpan.FromMinutes(11));

        var request = AuthorizationRequest(await _web.GetAsync("/recent-page", cookie));

        Assert.Equal("600", request["max_age"]);
        Assert.False(request.ContainsKey("acr_values"));
    }

    [Fact]
    public async Task Anonymous_visitor_of_an_otp_page_signs_in_with_acr_values_at_once()
    {
        var request = AuthorizationRequest(await _web.GetAsync("/otp-page", cookie: null));

        Assert.Equal(StepUpAcr.Otp, request["acr_values"]);
    }

    [Fact]
    public async Task Anonymous_visitor_of_a_plain_page_signs_in_without_step_up_parameters()
    {
        var request = AuthorizationRequest(await _web.GetAsync("/page", cookie: null));

        Assert.False(request.ContainsKey("acr_values"));
        Assert.False(request.ContainsKey("max_age"));
    }

    public async ValueTask DisposeAsync() => await _web.DisposeAsync();
}
