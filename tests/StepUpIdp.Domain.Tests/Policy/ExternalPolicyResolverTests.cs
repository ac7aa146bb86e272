using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.Policy;

public sealed class ExternalPolicyResolverTests
{
    private static readonly ScopedExternalPolicy Default = ScopedExternalPolicy.ForDefault(ExternalUserPolicy.Default);

    private static readonly ScopedExternalPolicy Partners =
        new("pol_partners", "Partners", ExternalPolicyScope.Domains, ExternalUserPolicy.Default with { ReverifyEvery = TimeSpan.FromMinutes(10) })
        {
            Domains = ["partner.test", "partner2.test"],
        };

    private static readonly ScopedExternalPolicy Pilot =
        new("pol_pilot", "Pilot", ExternalPolicyScope.Pilot, ExternalUserPolicy.Default with { RequireTwoStepVerification = true })
        {
            PilotAccounts = [new PilotAccount("bob-id", "bob@partner.test"), new PilotAccount("erin-id", "erin@else.test")],
        };

    private static readonly OrganisationPolicies All = new(Default, [Partners, Pilot]);

    [Fact]
    public void The_pilot_wins_over_the_domain_policy()
    {
        Assert.Same(Pilot, ExternalPolicyResolver.Resolve(All, new PolicySubject("bob-id", "bob@partner.test", UserType.External)));
    }

    [Fact]
    public void The_domain_policy_wins_over_the_default_and_domains_compare_without_case()
    {
        Assert.Same(Partners, ExternalPolicyResolver.Resolve(All, new PolicySubject("frank-id", "frank@Partner2.TEST", UserType.External)));
    }

    [Fact]
    public void Anyone_else_gets_the_default_policy()
    {
        Assert.Same(Default, ExternalPolicyResolver.Resolve(All, new PolicySubject("carol-id", "carol@other.test", UserType.External)));
        Assert.Same(Default, ExternalPolicyResolver.Resolve(All, new PolicySubject("x-id", "no-domain", UserType.External)));
    }

    [Fact]
    public void A_subdomain_is_not_the_domain()
    {
        Assert.Same(Default, ExternalPolicyResolver.Resolve(All, new PolicySubject("g-id", "g@mail.partner.test", UserType.External)));
    }

    [Fact]
    public void Pilot_membership_is_by_account_not_by_email()
    {
        // Someone else using an address that looks like a pilot's is not in the pilot.
        Assert.Same(Partners, ExternalPolicyResolver.Resolve(All, new PolicySubject("other-id", "bob@partner.test", UserType.External)));
    }

    [Fact]
    public void Internal_users_get_the_default_policy_even_when_chosen_for_the_pilot()
    {
        Assert.Same(Default, ExternalPolicyResolver.Resolve(All, new PolicySubject("erin-id", "erin@else.test", UserType.Internal)));
    }

    [Fact]
    public void With_replaces_a_policy_by_id_and_adds_a_new_one()
    {
        var changed = Partners with { Domains = ["partner.test"] };
        var set = All.With(changed).With(changed with { Id = "pol_new", Domains = ["new.test"] });

        Assert.Equal(["pol_partners", "pol_pilot", "pol_new"], set.Named.Select(p => p.Id));
        Assert.Same(Default, ExternalPolicyResolver.Resolve(set, new PolicySubject("f", "f@partner2.test", UserType.External)));
        Assert.Same(Default, ExternalPolicyResolver.Resolve(All.Without("pol_partners"), new PolicySubject("f", "f@partner2.test", UserType.External)));
    }
}
