using StepUpIdp.Domain.Organisations;

namespace StepUpIdp.Domain.Tests.Organisations;

public sealed class DomainVerificationTests
{
    [Theory]
    [InlineData("acme.example", "acme.example")]
    [InlineData("  Mail.ACME.example. ", "mail.acme.example")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.Example", "xn--bcher-kva.example")]
    public void Domains_are_compared_in_lower_case_ascii(string input, string expected) =>
        Assert.Equal(expected, DomainVerification.Normalize(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("acme .example")]
    [InlineData("acme..example")]
    [InlineData("-acme.example")]
    [InlineData("acme_corp.example")]
    [InlineData("10.0.0.1")]
    [InlineData("https://acme.example")]
    [InlineData("alice@acme.example")]
    public void Anything_but_a_domain_name_is_refused(string? input) => Assert.Null(DomainVerification.Normalize(input));

    [Fact]
    public void Labels_and_names_have_dns_length_limits()
    {
        Assert.NotNull(DomainVerification.Normalize(new string('a', 63) + ".example"));
        Assert.Null(DomainVerification.Normalize(new string('a', 64) + ".example"));
        Assert.Null(DomainVerification.Normalize(string.Join('.', Enumerable.Repeat("abcdefghi", 26)) + ".example"));
    }

    [Fact]
    public void The_record_to_publish_sits_under_its_own_label()
    {
        var record = DomainVerification.RecordFor("acme.example", "k3j5");
        Assert.Equal(("_stepupidp-challenge.acme.example", "TXT", "stepupidp-domain-verification=k3j5"), (record.Name, record.Type, record.Value));
    }

    [Fact]
    public void Only_the_exact_value_proves_the_domain()
    {
        Assert.True(DomainVerification.IsProven(["v=spf1 -all", " stepupidp-domain-verification=k3j5 "], "k3j5"));
        Assert.False(DomainVerification.IsProven(["stepupidp-domain-verification=k3j"], "k3j5"));
        Assert.False(DomainVerification.IsProven(["stepupidp-domain-verification=K3J5"], "k3j5"));
        Assert.False(DomainVerification.IsProven(["stepupidp-domain-verification=k3j5x"], "k3j5"));
        Assert.False(DomainVerification.IsProven([], "k3j5"));
    }
}
