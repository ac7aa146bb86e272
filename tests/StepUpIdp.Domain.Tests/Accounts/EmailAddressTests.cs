using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.Accounts;

public class EmailAddressTests
{
    [Theory]
    [InlineData(" p@bücher.example ", "p@xn--bcher-kva.example")]
    [InlineData("p@BÜCHER.Example", "p@xn--bcher-kva.example")]
    [InlineData("P@XN--BCHER-KVA.EXAMPLE", "P@xn--bcher-kva.example")]
    [InlineData("Dave@Acme.Test", "Dave@acme.test")]
    public void The_domain_part_is_kept_in_lower_case_ascii(string typed, string canonical) =>
        Assert.Equal(canonical, EmailAddress.Canonical(typed));

    [Fact]
    public void Both_spellings_of_an_accented_domain_are_one_address() =>
        Assert.Equal(EmailAddress.Normalize("p@bücher.example"), EmailAddress.Normalize("P@xn--bcher-kva.EXAMPLE"));

    [Fact]
    public void The_domain_of_an_address_is_canonical() =>
        Assert.Equal("xn--bcher-kva.example", EmailAddress.DomainOf("p@Bücher.example"));

    [Theory]
    [InlineData("p@bücher.example")]
    [InlineData("p@xn--bcher-kva.example")]
    public void Either_spelling_is_internal_to_the_org_that_verified_the_domain(string email) =>
        Assert.Equal(UserType.Internal, AccountClassifier.Classify(email, ["xn--bcher-kva.example"]));

    [Theory]
    [InlineData("p@b\u00fccher.example")]
    [InlineData("p@xn--bcher-kva.example")]
    public void Either_spelling_gets_the_policy_of_its_domain(string email)
    {
        var named = new ScopedExternalPolicy("pol_b", "Bücher", ExternalPolicyScope.Domains, ExternalUserPolicy.Default) { Domains = ["xn--bcher-kva.example"] };
        var policies = new OrganisationPolicies(ScopedExternalPolicy.ForDefault(ExternalUserPolicy.Default), [named]);
        Assert.Same(named, ExternalPolicyResolver.Resolve(policies, new PolicySubject("a1", email, UserType.External)));
    }

    [Theory]
    [InlineData("p@bücher.example", true)]
    [InlineData("p@b_cher.example", false)]
    [InlineData("p@-bad.example", false)]
    public void A_plausible_address_has_a_valid_idna_domain(string email, bool plausible) =>
        Assert.Equal(plausible, EmailAddress.IsPlausible(email));
}
