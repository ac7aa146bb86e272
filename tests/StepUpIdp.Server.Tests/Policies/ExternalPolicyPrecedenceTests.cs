using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.ApiTokens;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.TwoStep;
using StepUpIdp.Testing;
using static StepUpIdp.Server.Tests.ApiTokens.ApiTokenTestDirectory;

namespace StepUpIdp.Server.Tests.Policies;

/// <summary>
/// Several policies per organisation, end to end over HTTP (docs/external-policies.md): the policy is resolved for the
/// person (pilot, then email domain, then default) at every authorization, refresh and API-token exchange.
/// </summary>
[Trait("Category", "Redis")]
public sealed class ExternalPolicyPrecedenceTests : IAsyncLifetime
{
    private static readonly Uri Callback = TwoStepSteps.Callback;
    private readonly FakeTimeProvider _clock = TwoStepSteps.NewClock();
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail, clock: _clock);
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
        await _idp.AddAccountAsync("carol@other.test"); // an external member of acme on a domain no policy lists
        await _idp.GrantAsync("acme-wiki", "carol@other.test", AppRole.User);
        await _idp.GrantAsync("demo-api", "carol@other.test", AppRole.User);
        _alice = await AdminClient.ForAsync(_idp, "alice@acme.test");
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task Bob_gets_his_domain_policys_ten_minutes_and_carol_the_default_day()
    {
        var partners = await CreateAsync(Policy("partner.test", domains: ["partner.test"], reverifyEvery: "PT10M"));

        var bob = await SignInAndVerifyAsync("bob@partner.test");
        var carol = await SignInAndVerifyAsync("carol@other.test");

        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(now + 600, bob.GetPayloadValue<long>("reverify_at"));
        Assert.Equal(partners, bob.GetClaim("ext_policy").Value);
        Assert.Equal(now + 86_400, carol.GetPayloadValue<long>("reverify_at"));
        Assert.Equal("default", carol.GetClaim("ext_policy").Value);

        // The external-users list says the same.
        var users = (await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-users")).GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(partners, users.Single(u => u.GetProperty("email").GetString() == "bob@partner.test").GetProperty("policy").GetProperty("id").GetString());
        Assert.Equal("default", users.Single(u => u.GetProperty("email").GetString() == "carol@other.test").GetProperty("policy").GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_pilot_wins_over_the_domain_policy_and_leaving_it_brings_the_domain_policy_back()
    {
        var partners = await CreateAsync(Policy("partner.test", domains: ["partner.test"], reverifyEvery: "PT10M"));
        var pilot = await CreateAsync(Policy("2SV pilot", pilotAccounts: ["bob@partner.test"], reverifyEvery: "P1D", requireTwoStep: true));

        using var browser = new Browser { StopAt = Callback };
        var page = await browser.SignInAsync(await browser.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        Assert.Equal("/account/authenticator", page.Url.AbsolutePath);

        var leave = await _alice.PutAsJsonAsync($"api/orgs/acme/external-policies/{pilot}",
            Policy("2SV pilot", pilotAccounts: [], reverifyEvery: "P1D", requireTwoStep: true));
        Assert.Equal(HttpStatusCode.OK, leave.StatusCode);

        // At his next authorization the domain policy is back: an emailed passcode counts, for ten minutes.
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verify = await browser.OpenAsync(flow.AuthorizeUri());
        Assert.Equal("/account/verify", verify.Url.AbsolutePath);
        var idToken = await TwoStepSteps.IdTokenAsync(flow, await browser.VerifyWithEmailedCodeAsync(verify, _mail, "bob@partner.test"));
        Assert.Equal(partners, idToken.GetClaim("ext_policy").Value);
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds() + 600, idToken.GetPayloadValue<long>("reverify_at"));
    }

    [Fact]
    public async Task A_refresh_is_judged_under_the_policy_in_force_for_the_person_at_the_refresh()
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verify = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "bob@partner.test");
        var (status, tokens) = await flow.RedeemAsync(TwoStepSteps.CodeFrom(await browser.VerifyWithEmailedCodeAsync(verify, _mail, "bob@partner.test")));
        Assert.Equal(200, status);
        _clock.Advance(TimeSpan.FromMinutes(20));

        // Under the default P1D the 20-minute-old passcode counts; once bob's domain gets a PT10M policy it does not.
        var (okStatus, refreshed) = await flow.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(200, okStatus);
        Assert.Equal("default", Tokens.Read(refreshed.GetProperty("access_token").GetString()!).GetClaim("ext_policy").Value);
        _alice.Dispose();
        _alice = await AdminClient.ForAsync(_idp, "alice@acme.test"); // her first access token has expired meanwhile
        await CreateAsync(Policy("partner.test", domains: ["partner.test"], reverifyEvery: "PT10M"));

        var (lateStatus, late) = await flow.RefreshAsync(refreshed.GetProperty("refresh_token").GetString()!);
        Assert.Equal(400, lateStatus);
        Assert.Equal("invalid_grant", late.Error());
        Assert.Contains("Re-verification is due", late.Description());
    }

    [Fact]
    public async Task Blocking_api_tokens_in_the_partner_policy_refuses_bobs_exchange_and_not_carols()
    {
        var bobToken = await CreateApiTokenAsync("bob@partner.test");
        var carolToken = await CreateApiTokenAsync("carol@other.test");
        var partners = await CreateAsync(Policy("partner.test", domains: ["partner.test"], reverifyEvery: "PT10M", apiTokens: "block"));

        var (bobStatus, bobBody) = await ExchangeAsync(_idp.Address, bobToken);
        Assert.Equal(400, bobStatus);
        Assert.Equal("invalid_grant", bobBody.Error());
        Assert.Contains("blocks API tokens for external users", bobBody.Description());

        var (carolStatus, carolBody) = await ExchangeAsync(_idp.Address, carolToken);
        Assert.Equal(200, carolStatus);
        Assert.Equal("default", Tokens.Read(carolBody.GetProperty("access_token").GetString()!).GetClaim("ext_policy").Value);

        // The refusal names the policy in the audit log.
        await using var scope = _idp.Services.CreateAsyncScope();
        var refusals = await scope.ServiceProvider.GetRequiredService<StepUpDbContext>().AuditEntries.AsNoTracking()
            .Where(e => e.Action == "api_token.refused").Select(e => e.Detail).ToListAsync();
        Assert.Contains(refusals, d => d != null && d.Contains(partners, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_rules_a_member_sees_are_those_of_their_own_policy()
    {
        var partners = await CreateAsync(Policy("partner.test", domains: ["partner.test"], reverifyEvery: "PT10M", apiTokens: "block", maxDays: 30));
        using var bob = await AdminClient.ForAsync(_idp, "bob@partner.test");

        var bobRules = await bob.GetFromJsonAsync<JsonElement>("api/orgs/acme/api-token-rules");
        var aliceRules = await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/api-token-rules");

        Assert.Equal(partners, bobRules.GetProperty("policy").GetString());
        Assert.Equal("block", bobRules.GetProperty("externalUsers").GetString());
        Assert.Equal(30, bobRules.GetProperty("maxLifetimeDays").GetInt32());
        Assert.Equal("default", aliceRules.GetProperty("policy").GetString());
        Assert.Equal("allow", aliceRules.GetProperty("externalUsers").GetString());
    }

    private async Task<Microsoft.IdentityModel.JsonWebTokens.JsonWebToken> SignInAndVerifyAsync(string email)
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp.Address, "acme-wiki", Callback);
        var verify = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), email);
        return await TwoStepSteps.IdTokenAsync(flow, await browser.VerifyWithEmailedCodeAsync(verify, _mail, email));
    }

    private async Task<string> CreateAsync(object policy)
    {
        var response = await _alice.PostAsJsonAsync("api/orgs/acme/external-policies", policy);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<string> CreateApiTokenAsync(string email)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var accountId = await scope.ServiceProvider.GetRequiredService<StepUpDbContext>().Accounts.Where(a => a.Email == email).Select(a => a.Id).SingleAsync();
        var created = await scope.ServiceProvider.GetRequiredService<ApiTokenIssuer>().CreateAsync(accountId, "acme", "ci", 30, CancellationToken.None);
        return Assert.IsType<ApiTokenCreation.Created>(created).Token;
    }

    internal static object Policy(string name, string[]? domains = null, string[]? pilotAccounts = null, string reverifyEvery = "P1D",
        bool requireTwoStep = false, string apiTokens = "allow", int maxDays = 365) => new
    {
        name,
        domains,
        pilotAccounts,
        verification = "required",
        reverifyEvery,
        methods = new[] { "email_otp", "totp" },
        requireTwoStepVerification = requireTwoStep,
        apiTokens,
        apiTokenMaxLifetimeDays = maxDays,
    };
}
