using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;
using static StepUpIdp.Server.Tests.TwoStep.TwoStepSteps;

namespace StepUpIdp.Server.Tests.Security;

/// <summary>
/// Sensitive actions need a recent, strong sign-in in the caller's own session (docs/security.md): the admin API and
/// pages a one-time passcode, a change a sign-in in the last 15 minutes, an external user's new API token a verification
/// that counts; and an app's id_token_hint for another account is never answered with the session's account.
/// </summary>
/// <remarks>
/// The tests share one host (tests/README.md, "One host for a test class"), each with an org like acme of its own, its
/// own console app and an address of its own; the two that move the clock start a host of their own.
/// </remarks>
public sealed class RecentStrongSignInTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private static readonly Uri Console = new("http://127.0.0.1:9/console/callback");
    private readonly SmtpSink _mail = shared.Mail;
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string ConsoleId => $"{_org.Id}-console";

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        await _idp.RegisterPublicAppAsync(ConsoleId, _org.Id, Console, AppEnforcement.Exempt);
        await _idp.GrantAsync(ConsoleId, _org.Admin, AppRole.Admin);
        await _idp.GrantAsync(ConsoleId, _org.External, AppRole.User);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A host of the test's own whose clock the test moves, with acme's console app and its grants.</summary>
    private static async Task<IdpHost> StartOwnHostAsync(FakeTimeProvider clock, SmtpSink mail)
    {
        var idp = new IdpHost(smtp: mail, clock: clock, settings: new Dictionary<string, string?> { ["Idp:SessionLifetimeMinutes"] = "1440", ["Idp:SessionIdleMinutes"] = "1440",
            ["Idp:AccessTokenLifetimeMinutes"] = "60", // long enough to outlive the 15-minute window
        });
        await idp.RegisterPublicAppAsync("acme-console", "acme", Console, AppEnforcement.Exempt);
        await idp.GrantAsync("acme-console", "alice@acme.test", AppRole.Admin);
        await idp.GrantAsync("acme-console", "bob@partner.test", AppRole.User);
        return idp;
    }

    [Fact]
    public async Task Scope_stepup_admin_asks_for_a_passcode_after_the_password_and_the_token_carries_otp()
    {
        using var browser = new Browser(_from) { StopAt = Console };
        var flow = new CodeFlow(_idp.Address, ConsoleId, Console);
        var verify = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri("openid stepup.admin")), _org.Admin);
        Assert.Equal("/account/verify", verify.Url.AbsolutePath);

        var token = await AccessTokenAsync(flow, await browser.VerifyWithEmailedCodeAsync(verify, _mail, _org.Admin));

        Assert.Equal("urn:stepupidp:acr:otp", Tokens.Read(token).GetClaim("acr").Value);
    }

    [Fact]
    public async Task An_admin_change_after_15_minutes_gets_an_RFC_9470_challenge_and_a_fresh_sign_in_meets_it()
    {
        var clock = NewClock();
        await using var mail = await SmtpSink.StartAsync();
        await using var idp = await StartOwnHostAsync(clock, mail);
        using var browser = new Browser { StopAt = Console };
        var flow = new CodeFlow(idp.Address, "acme-console", Console);
        var verify = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri("openid stepup.admin")), "alice@acme.test");
        using var api = Bearer(idp, await AccessTokenAsync(flow, await browser.VerifyWithEmailedCodeAsync(verify, mail, "alice@acme.test")));
        var change = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("api/orgs/acme/external-policy"))!;
        change["reverifyEvery"] = "P7D";

        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("api/orgs/acme/external-policy")).StatusCode); // reading needs no fresh sign-in
        using var refused = await api.PutAsJsonAsync("api/orgs/acme/external-policy", change);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var challenge = refused.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_user_authentication\"", challenge);
        Assert.Contains("max_age=900", challenge);
        Assert.Contains("acr_values=\"urn:stepupidp:acr:otp\"", challenge);
        Assert.Equal("P1D", (await api.GetFromJsonAsync<System.Text.Json.JsonElement>("api/orgs/acme/external-policy")).GetProperty("reverifyEvery").GetString());

        // The app asks again with what the challenge named: the password, then a code, and the change goes through.
        var again = new CodeFlow(idp.Address, "acme-console", Console);
        var signIn = await browser.OpenAsync(again.AuthorizeUri("openid stepup.admin", "max_age=900&acr_values=urn%3Astepupidp%3Aacr%3Aotp"));
        Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
        using var fresh = Bearer(idp, await AccessTokenAsync(again, await browser.CompleteAsync(idp, signIn, "alice@acme.test")));
        Assert.Equal(HttpStatusCode.OK, (await fresh.PutAsJsonAsync("api/orgs/acme/external-policy", change)).StatusCode);
    }

    [Fact]
    public async Task An_admin_page_change_after_15_minutes_asks_for_the_password_and_a_code_before_it_is_made()
    {
        var clock = NewClock();
        await using var mail = await SmtpSink.StartAsync();
        await using var idp = await StartOwnHostAsync(clock, mail);
        using var browser = new Browser();
        var policy = await browser.CompleteAsync(idp, await browser.OpenAsync(new Uri(idp.Address, "admin/acme/policy")), "alice@acme.test");
        Assert.Equal("/admin/acme/policy", policy.Url.AbsolutePath);

        clock.Advance(TimeSpan.FromMinutes(16));
        var viewed = await browser.OpenAsync(new Uri(idp.Address, "admin/acme/audit"));
        Assert.Equal("/admin/acme/audit", viewed.Url.AbsolutePath); // viewing: the session's passcode still counts
        var stepUp = await browser.SubmitAsync(policy, new Dictionary<string, string>(), "#policy-form");
        Assert.Equal("/account/signin", stepUp.Url.AbsolutePath);
        Assert.Contains("returnurl=%2Fadmin%2Facme%2Fpolicy", stepUp.Url.Query, StringComparison.OrdinalIgnoreCase);

        var back = await browser.CompleteAsync(idp, stepUp, "alice@acme.test");
        Assert.Equal("/admin/acme/policy", back.Url.AbsolutePath);
    }

    [Fact]
    public async Task An_external_users_token_without_a_counting_verification_cannot_create_an_api_token()
    {
        using var browser = new Browser(_from) { StopAt = Console };
        var flow = new CodeFlow(_idp.Address, ConsoleId, Console);
        var plain = await AccessTokenAsync(flow, await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri("openid stepup.api_tokens")), _org.External));
        using var api = Bearer(_idp, plain);

        using var refused = await api.PostAsJsonAsync("api/me/api-tokens", new { name = "ci", lifetimeDays = 7 });

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("acr_values=\"urn:stepupidp:acr:otp\"", refused.Headers.WwwAuthenticate.ToString());
        Assert.Empty((await api.GetFromJsonAsync<System.Text.Json.JsonElement>("api/me/api-tokens")).EnumerateArray());

        var again = new CodeFlow(_idp.Address, ConsoleId, Console);
        var verify = await browser.OpenAsync(again.AuthorizeUri("openid stepup.api_tokens", "acr_values=urn%3Astepupidp%3Aacr%3Aotp"));
        using var verified = Bearer(_idp, await AccessTokenAsync(again, await browser.VerifyWithEmailedCodeAsync(verify, _mail, _org.External)));
        var before = _mail.Messages.Count;
        Assert.Equal(HttpStatusCode.Created, (await verified.PostAsJsonAsync("api/me/api-tokens", new { name = "ci", lifetimeDays = 7 })).StatusCode);

        // The owner hears of it by email, with the token's name and never its secret.
        var notice = await _mail.WaitForMessageAsync(m => _mail.Messages.ToList().IndexOf(m) >= before && (m.Subject ?? "").Contains("API token", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Contains("\"ci\"", notice.TextBody);
        Assert.DoesNotContain("sut_", notice.TextBody);
    }

    [Fact]
    public async Task An_id_token_hint_for_another_account_answers_login_required_to_prompt_none_and_asks_for_a_sign_in_otherwise()
    {
        using var bobsBrowser = new Browser(_from) { StopAt = Console };
        var bobs = new CodeFlow(_idp.Address, ConsoleId, Console);
        var bobsIdToken = await IdTokenTextAsync(bobs, await bobsBrowser.SignInAsync(await bobsBrowser.OpenAsync(bobs.AuthorizeUri("openid")), _org.External));

        using var alicesBrowser = new Browser(_from) { StopAt = Console };
        var first = new CodeFlow(_idp.Address, ConsoleId, Console);
        var alicesIdToken = await IdTokenTextAsync(first, await alicesBrowser.SignInAsync(await alicesBrowser.OpenAsync(first.AuthorizeUri("openid")), _org.Admin));

        var silent = new CodeFlow(_idp.Address, ConsoleId, Console);
        var answer = await alicesBrowser.OpenAsync(silent.AuthorizeUri("openid", "prompt=none&id_token_hint=" + bobsIdToken));
        Assert.Equal("login_required", CodeFlow.ReadCallback(answer).Error);

        var interactive = new CodeFlow(_idp.Address, ConsoleId, Console);
        Assert.Equal("/account/signin", (await alicesBrowser.OpenAsync(interactive.AuthorizeUri("openid", "id_token_hint=" + bobsIdToken))).Url.AbsolutePath);

        // A hint for the signed-in account is answered silently.
        var own = new CodeFlow(_idp.Address, ConsoleId, Console);
        Assert.NotNull(CodeFlow.ReadCallback(await alicesBrowser.OpenAsync(own.AuthorizeUri("openid", "prompt=none&id_token_hint=" + alicesIdToken))).Code);
    }

    private static HttpClient Bearer(IdpHost idp, string accessToken)
    {
        var http = new HttpClient { BaseAddress = idp.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http;
    }

    private static async Task<string> AccessTokenAsync(CodeFlow flow, Page callback)
    {
        var (status, body) = await flow.RedeemAsync(CodeFrom(callback));
        Assert.Equal(200, status);
        return body.GetProperty("access_token").GetString()!;
    }

    private static async Task<string> IdTokenTextAsync(CodeFlow flow, Page callback)
    {
        var (status, body) = await flow.RedeemAsync(CodeFrom(callback));
        Assert.Equal(200, status);
        return body.GetProperty("id_token").GetString()!;
    }
}
