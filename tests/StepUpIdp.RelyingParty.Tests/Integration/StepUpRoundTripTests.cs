using System.Net;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>
/// A step-up through the app's real OIDC callback: what the IdP answers decides whether the person gets the page,
/// or, when the answer cannot meet what was asked, a readable page saying so instead of another trip to the IdP.
/// </summary>
public sealed class StepUpRoundTripTests : IAsyncDisposable
{
    private readonly StepUpWebAppHost _web = new();

    private DateTimeOffset Now => _web.Time.GetUtcNow();

    private static async Task<string> AssertStepUpRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_step_up_that_reaches_the_level_brings_the_person_back_to_the_page()
    {
        var basic = await _web.SignInAsync(("acr", StepUpAcr.Basic));

        var callback = await _web.CompleteSignInAsync(await _web.GetAsync("/otp-page?tab=2", basic), ("acr", StepUpAcr.Otp));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/otp-page?tab=2", callback.Headers.Location?.OriginalString);
        var page = await _web.GetAsync("/otp-page?tab=2", StepUpWebAppHost.SessionCookie(callback));
        Assert.Equal("otp page", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_answer_below_the_level_asked_for_gets_a_readable_page_instead_of_another_trip()
    {
        // The IdP signed the person in, but only at basic: sending them back would loop for ever.
        var basic = await _web.SignInAsync(("acr", StepUpAcr.Basic));

        var callback = await _web.CompleteSignInAsync(await _web.GetAsync("/otp-page", basic), ("acr", StepUpAcr.Basic));

        var page = await AssertStepUpRefusedAsync(callback);
        Assert.Contains(StepUpAcr.Otp, page);
        Assert.Contains(StepUpAcr.Basic, page);
        Assert.Null(StepUpWebAppHost.SessionCookie(callback));
    }

    [Fact]
    public async Task An_anonymous_visitor_whose_sign_in_falls_short_gets_the_readable_page()
    {
        var callback = await _web.CompleteSignInAsync(await _web.GetAsync("/otp-page", cookie: null), ("acr", StepUpAcr.Basic));

        Assert.Contains(StepUpAcr.Otp, await AssertStepUpRefusedAsync(callback));
    }

    [Fact]
    public async Task The_idp_refusing_the_level_gets_a_readable_page_instead_of_a_server_error()
    {
        var basic = await _web.SignInAsync(("acr", StepUpAcr.Basic));

        var callback = await _web.AnswerWithErrorAsync(await _web.GetAsync("/otp-page", basic),
            "unmet_authentication_requirements", "The person chose not to set up <b>an authenticator</b>.");

        var page = await AssertStepUpRefusedAsync(callback);
        Assert.Contains(StepUpAcr.Otp, page);
        Assert.Contains("The person chose not to set up &lt;b&gt;an authenticator&lt;/b&gt;.", page);
        Assert.DoesNotContain("<b>", page);
    }

    [Fact]
    public async Task A_fresh_sign_in_that_the_apps_clock_finds_too_old_gets_the_readable_page()
    {
        // The IdP's clock is 20 minutes behind: its auth_time never meets max_age 600 here.
        var old = await _web.SignInAsync(("acr", StepUpAcr.Basic), ("auth_time", Now.AddHours(-1).ToUnixTimeSeconds()));

        var callback = await _web.CompleteSignInAsync(await _web.GetAsync("/recent-page", old),
            ("acr", StepUpAcr.Basic), ("auth_time", Now.AddMinutes(-20).ToUnixTimeSeconds()));

        Assert.Contains("clock", await AssertStepUpRefusedAsync(callback));
    }

    [Fact]
    public async Task A_verification_the_idp_does_not_renew_gets_the_readable_page()
    {
        var reverifyAt = Now.ToUnixTimeSeconds();
        var due = await _web.SignInAsync(("acr", StepUpAcr.Otp), ("reverify_at", reverifyAt));
        _web.Time.Advance(TimeSpan.FromMinutes(10));

        var callback = await _web.CompleteSignInAsync(await _web.GetAsync("/page", due), ("acr", StepUpAcr.Otp), ("reverify_at", reverifyAt));

        Assert.Contains("verif", await AssertStepUpRefusedAsync(callback));
    }

    [Fact]
    public async Task A_step_up_that_was_no_re_verification_is_not_judged_as_one()
    {
        // An external user whose verification is past reverify_at but within the clock skew steps up to otp: the
        // IdP's answer meets what was asked, and re-verification was not asked.
        var reverifyAt = (Now - TimeSpan.FromMinutes(1)).ToUnixTimeSeconds();
        var basic = await _web.SignInAsync(("acr", StepUpAcr.Basic), ("reverify_at", reverifyAt));
        var challenge = await _web.GetAsync("/otp-page", basic);
        _web.Time.Advance(StepUpDecision.ClockSkew);

        var callback = await _web.CompleteSignInAsync(challenge, ("acr", StepUpAcr.Otp), ("reverify_at", reverifyAt));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
    }

    [Fact]
    public async Task A_plain_sign_in_is_not_judged_against_step_up()
    {
        var callback = await _web.CompleteSignInAsync(await _web.GetAsync("/page", cookie: null), ("acr", StepUpAcr.Basic));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("page", await (await _web.GetAsync("/page", StepUpWebAppHost.SessionCookie(callback))).Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync() => await _web.DisposeAsync();
}
