using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.Policy;

public sealed class ScopedExternalPolicyValidatorTests
{
    private static readonly string[] OrgDomains = ["acme.test"];

    private static readonly IReadOnlyList<PilotAccount> Externals =
        [.. Enumerable.Range(1, 6).Select(i => new PilotAccount($"id{i}", $"p{i}@outside.test")), new PilotAccount("bob-id", "bob@partner.test")];

    private static readonly OrganisationPolicies Current = new(ScopedExternalPolicy.ForDefault(ExternalUserPolicy.Default),
    [
        new ScopedExternalPolicy("pol_partners", "Partners", ExternalPolicyScope.Domains, ExternalUserPolicy.Default) { Domains = ["partner.test"] },
    ]);

    private static ScopedExternalPolicyDocument Document(string[]? domains = null, string[]? pilot = null, string? name = "New") => new()
    {
        Name = name,
        Domains = domains,
        PilotAccounts = pilot,
        Verification = "required",
        ReverifyEvery = "PT10M",
        Methods = ["email_otp", "totp"],
        RequireTwoStepVerification = false,
        ApiTokens = "block",
        ApiTokenMaxLifetimeDays = 30,
    };

    private static IReadOnlyDictionary<string, string[]> Errors(ScopedExternalPolicyDocument document, string id = "pol_new", OrganisationPolicies? current = null) =>
        Assert.IsType<ScopedPolicyValidation.Invalid>(ScopedExternalPolicyValidator.Validate(document, id, current ?? Current, OrgDomains, Externals)).Errors;

    [Fact]
    public void A_valid_domain_policy_comes_back_normalised()
    {
        var valid = Assert.IsType<ScopedPolicyValidation.Valid>(
            ScopedExternalPolicyValidator.Validate(Document(domains: [" Vendor.TEST. "]), "pol_new", Current, OrgDomains, Externals));

        Assert.Equal(["vendor.test"], valid.Policy.Domains);
        Assert.Equal(ExternalPolicyScope.Domains, valid.Policy.Scope);
        Assert.Equal(TimeSpan.FromMinutes(10), valid.Policy.Policy.ReverifyEvery);
        Assert.Equal(ApiTokenAccess.Block, valid.Policy.Policy.ApiTokens);
    }

    [Fact]
    public void A_domain_in_another_policy_is_refused_but_a_policy_may_keep_its_own()
    {
        Assert.Contains("already in policy \"Partners\" (pol_partners)", Assert.Single(Errors(Document(domains: ["partner.test"]))["domains"]));
        Assert.IsType<ScopedPolicyValidation.Valid>(
            ScopedExternalPolicyValidator.Validate(Document(domains: ["partner.test"]), "pol_partners", Current, OrgDomains, Externals));
    }

    [Fact]
    public void The_orgs_own_verified_domain_is_refused()
    {
        Assert.Contains("verified domain of this organisation", Assert.Single(Errors(Document(domains: ["ACME.test"]))["domains"]));
    }

    [Fact]
    public void Twenty_domains_pass_and_a_21st_is_refused()
    {
        var twenty = Enumerable.Range(1, 20).Select(i => $"d{i}.test").ToArray();
        Assert.IsType<ScopedPolicyValidation.Valid>(ScopedExternalPolicyValidator.Validate(Document(domains: twenty), "pol_new", Current, OrgDomains, Externals));

        Assert.Contains(Errors(Document(domains: [.. twenty, "d21.test"]))["domains"], e => e.Contains("at most 20 domains", StringComparison.Ordinal));
    }

    [Fact]
    public void A_21st_domain_policy_is_refused()
    {
        var twenty = new OrganisationPolicies(Current.Default, Enumerable.Range(1, 20)
            .Select(i => new ScopedExternalPolicy($"pol_{i}", $"P{i}", ExternalPolicyScope.Domains, ExternalUserPolicy.Default) { Domains = [$"d{i}.test"] })
            .ToList());

        Assert.Contains("at most 20 domain policies", Assert.Single(Errors(Document(domains: ["new.test"]), current: twenty)["$"]));
    }

    [Fact]
    public void Five_pilot_accounts_pass_and_a_sixth_is_refused()
    {
        var five = Enumerable.Range(1, 5).Select(i => $"p{i}@outside.test").ToArray();
        var valid = Assert.IsType<ScopedPolicyValidation.Valid>(
            ScopedExternalPolicyValidator.Validate(Document(pilot: five), "pol_new", Current, OrgDomains, Externals));
        Assert.Equal(ExternalPolicyScope.Pilot, valid.Policy.Scope);
        Assert.Equal(["id1", "id2", "id3", "id4", "id5"], valid.Policy.PilotAccounts.Select(a => a.AccountId));

        Assert.Contains("at most 5 accounts", Assert.Single(Errors(Document(pilot: [.. five, "p6@outside.test"]))["pilotAccounts"]));
    }

    [Fact]
    public void A_pilot_account_that_is_not_an_external_user_is_refused()
    {
        Assert.Equal("\"alice@acme.test\" is not an external user of this organisation.", Assert.Single(Errors(Document(pilot: ["alice@acme.test"]))["pilotAccounts"]));
    }

    [Fact]
    public void A_second_pilot_is_refused()
    {
        var withPilot = Current.With(new ScopedExternalPolicy("pol_pilot", "Pilot", ExternalPolicyScope.Pilot, ExternalUserPolicy.Default));

        Assert.Contains("already has a pilot", Assert.Single(Errors(Document(pilot: ["bob@partner.test"]), current: withPilot)["pilotAccounts"]));
        Assert.IsType<ScopedPolicyValidation.Valid>(
            ScopedExternalPolicyValidator.Validate(Document(pilot: []), "pol_pilot", withPilot, OrgDomains, Externals));
    }

    [Fact]
    public void Policy_field_errors_name_and_scope_errors_come_together()
    {
        var errors = Errors(Document(name: " ") with { ReverifyEvery = "PT1M" });

        Assert.True(errors.ContainsKey("name"));
        Assert.True(errors.ContainsKey("reverifyEvery"));
        Assert.True(errors.ContainsKey("domains"));
    }
}
