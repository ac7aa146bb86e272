using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.ApiTokens;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.ApiTokens;

public class ApiTokenRulesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private ApiTokenFacts Usable => new()
    {
        Now = _time.GetUtcNow(),
        TokenFound = true,
        ExpiresAt = _time.GetUtcNow().AddDays(30),
        CreatedAt = _time.GetUtcNow(),
        UserType = UserType.External,
        Policy = ExternalUserPolicy.Default with { ApiTokens = ApiTokenAccess.Allow },
        TokenOrg = "acme",
        ClientOrg = "acme",
    };

    private static string RefusedRule(ApiTokenFacts facts) =>
        Assert.IsType<ApiTokenDecision.Refused>(ApiTokenRules.CheckExchange(facts)).Rule;

    [Fact]
    public void Valid_token_of_an_external_user_is_exchanged_while_the_org_allows_it()
    {
        Assert.IsType<ApiTokenDecision.Allowed>(ApiTokenRules.CheckExchange(Usable));
    }

    [Fact]
    public void Unknown_token_is_refused_without_detail()
    {
        var refused = Assert.IsType<ApiTokenDecision.Refused>(ApiTokenRules.CheckExchange(Usable with { TokenFound = false }));

        Assert.Equal(ApiTokenRuleCodes.Unknown, refused.Rule);
        Assert.Equal("The API token is not valid.", refused.Description);
    }

    [Fact]
    public void Revoked_token_is_refused()
    {
        Assert.Equal(ApiTokenRuleCodes.Revoked, RefusedRule(Usable with { Revoked = true }));
    }

    [Fact]
    public void Token_is_refused_from_the_moment_it_expires()
    {
        var facts = Usable;
        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromTicks(1));
        Assert.IsType<ApiTokenDecision.Allowed>(ApiTokenRules.CheckExchange(facts with { Now = _time.GetUtcNow() }));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(ApiTokenRuleCodes.Expired, RefusedRule(facts with { Now = _time.GetUtcNow() }));
    }

    [Fact]
    public void Token_of_a_locked_account_is_refused()
    {
        Assert.Equal(ApiTokenRuleCodes.AccountLocked, RefusedRule(Usable with { AccountLocked = true }));
    }

    [Fact]
    public void Guests_token_is_always_refused()
    {
        Assert.Equal(ApiTokenRuleCodes.Guest, RefusedRule(Usable with { IsGuest = true }));
        Assert.Equal(ApiTokenRuleCodes.Guest, RefusedRule(Usable with { IsGuest = true, UserType = UserType.Internal }));
    }

    [Fact]
    public void External_users_existing_token_stops_working_as_soon_as_the_org_blocks_them()
    {
        var facts = Usable with { Policy = Usable.Policy with { ApiTokens = ApiTokenAccess.Block } };

        var refused = Assert.IsType<ApiTokenDecision.Refused>(ApiTokenRules.CheckExchange(facts));

        Assert.Equal(ApiTokenRuleCodes.ExternalBlocked, refused.Rule);
        Assert.Contains("external users", refused.Description);
    }

    [Fact]
    public void Internal_users_token_is_not_affected_by_the_external_block()
    {
        var facts = Usable with { UserType = UserType.Internal, Policy = Usable.Policy with { ApiTokens = ApiTokenAccess.Block } };

        Assert.IsType<ApiTokenDecision.Allowed>(ApiTokenRules.CheckExchange(facts));
    }

    [Fact]
    public void Token_presented_by_another_orgs_api_is_refused()
    {
        Assert.Equal(ApiTokenRuleCodes.OrgMismatch, RefusedRule(Usable with { ClientOrg = "globex" }));
    }

    [Fact]
    public void Rules_are_checked_in_the_documented_order()
    {
        var everythingWrong = Usable with
        {
            Revoked = true,
            ExpiresAt = Usable.Now,
            AccountLocked = true,
            IsGuest = true,
            Policy = Usable.Policy with { ApiTokens = ApiTokenAccess.Block },
            ClientOrg = "globex",
        };

        Assert.Equal(ApiTokenRuleCodes.Unknown, RefusedRule(everythingWrong with { TokenFound = false }));
        Assert.Equal(ApiTokenRuleCodes.OrgMismatch, RefusedRule(everythingWrong));
        everythingWrong = everythingWrong with { ClientOrg = everythingWrong.TokenOrg };
        Assert.Equal(ApiTokenRuleCodes.Revoked, RefusedRule(everythingWrong));
        Assert.Equal(ApiTokenRuleCodes.Expired, RefusedRule(everythingWrong with { Revoked = false }));
        Assert.Equal(ApiTokenRuleCodes.AccountLocked, RefusedRule(everythingWrong with { Revoked = false, ExpiresAt = Usable.ExpiresAt }));
        Assert.Equal(ApiTokenRuleCodes.Guest, RefusedRule(everythingWrong with { Revoked = false, ExpiresAt = Usable.ExpiresAt, AccountLocked = false }));
        Assert.Equal(ApiTokenRuleCodes.ExternalBlocked, RefusedRule(everythingWrong with { Revoked = false, ExpiresAt = Usable.ExpiresAt, AccountLocked = false, IsGuest = false }));
    }

    [Fact]
    public void A_maximum_lowered_after_creation_ends_older_tokens()
    {
        var lowered = Usable with { CreatedAt = Usable.Now.AddDays(-31), Policy = Usable.Policy with { ApiTokenMaxLifetimeDays = 30 } };

        Assert.Equal(ApiTokenRuleCodes.Lifetime, RefusedRule(lowered));
        Assert.IsType<ApiTokenDecision.Allowed>(ApiTokenRules.CheckExchange(lowered with { CreatedAt = Usable.Now.AddDays(-29) }));
        Assert.Equal(lowered.CreatedAt.AddDays(30), ApiTokenRules.EndOf(lowered.CreatedAt, lowered.CreatedAt.AddDays(365), lowered.Policy));
        Assert.Equal(lowered.CreatedAt.AddDays(7), ApiTokenRules.EndOf(lowered.CreatedAt, lowered.CreatedAt.AddDays(7), lowered.Policy));
    }

    [Fact]
    public void Default_facts_fail_closed()
    {
        var facts = new ApiTokenFacts { Now = Usable.Now, Policy = ExternalUserPolicy.Default, TokenOrg = "acme", ClientOrg = "acme" };

        Assert.Equal(ApiTokenRuleCodes.Unknown, RefusedRule(facts));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    public void Lifetime_within_the_orgs_maximum_is_accepted(int days)
    {
        var policy = ExternalUserPolicy.Default with { ApiTokenMaxLifetimeDays = 30 };

        Assert.IsType<ApiTokenDecision.Allowed>(ApiTokenRules.CheckLifetime(days, policy, UserType.External));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(31)]
    public void Lifetime_outside_one_day_to_the_orgs_maximum_is_refused(int days)
    {
        var policy = ExternalUserPolicy.Default with { ApiTokenMaxLifetimeDays = 30 };

        var refused = Assert.IsType<ApiTokenDecision.Refused>(ApiTokenRules.CheckLifetime(days, policy, UserType.External));

        Assert.Equal(ApiTokenRuleCodes.Lifetime, refused.Rule);
        Assert.Contains("1 to 30 days", refused.Description);
    }

    [Fact]
    public void The_orgs_maximum_lifetime_applies_to_internal_users_too()
    {
        var policy = ExternalUserPolicy.Default with { ApiTokenMaxLifetimeDays = 30 };

        Assert.IsType<ApiTokenDecision.Refused>(ApiTokenRules.CheckLifetime(31, policy, UserType.Internal));
    }

    [Fact]
    public void Guests_and_blocked_external_users_cannot_create_tokens()
    {
        var blocking = ExternalUserPolicy.Default with { ApiTokens = ApiTokenAccess.Block };

        Assert.Equal(ApiTokenRuleCodes.Guest, Assert.IsType<ApiTokenDecision.Refused>(
            ApiTokenRules.CheckCreation(30, ExternalUserPolicy.Default, UserType.External, isGuest: true)).Rule);
        Assert.Equal(ApiTokenRuleCodes.ExternalBlocked, Assert.IsType<ApiTokenDecision.Refused>(
            ApiTokenRules.CheckCreation(30, blocking, UserType.External, isGuest: false)).Rule);
        Assert.IsType<ApiTokenDecision.Allowed>(ApiTokenRules.CheckCreation(30, blocking, UserType.Internal, isGuest: false));
    }

    [Fact]
    public void Rules_view_shows_the_external_setting_that_guests_are_blocked_and_the_maximum_lifetime()
    {
        var policy = ExternalUserPolicy.Default with { ApiTokens = ApiTokenAccess.Block, ApiTokenMaxLifetimeDays = 90 };

        var json = JsonSerializer.Serialize(ApiTokenRulesView.From(policy));

        Assert.Equal("""{"externalUsers":"block","guests":"block","maxLifetimeDays":90}""", json);
    }
}
