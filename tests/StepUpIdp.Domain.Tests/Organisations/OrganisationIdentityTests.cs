using StepUpIdp.Domain.Organisations;

namespace StepUpIdp.Domain.Tests.Organisations;

public sealed class OrganisationIdentityTests
{
    [Theory]
    [InlineData("acme")]
    [InlineData("acme-europe")]
    [InlineData("a1")]
    public void Lower_case_slugs_are_ids(string id) => Assert.True(OrganisationIdentity.IsValidId(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("Acme")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("ac--me")]
    [InlineData("acme corp")]
    [InlineData("acmé")]
    [InlineData("acme/../x")]
    public void Anything_else_is_not(string? id) => Assert.False(OrganisationIdentity.IsValidId(id));

    [Fact]
    public void Ids_stop_at_64_characters()
    {
        Assert.True(OrganisationIdentity.IsValidId(new string('a', 64)));
        Assert.False(OrganisationIdentity.IsValidId(new string('a', 65)));
    }

    [Theory]
    [InlineData("Acme Corporation", true)]
    [InlineData("  ", false)]
    [InlineData("Acme\nEvil", false)]
    public void Names_are_one_line_of_text(string name, bool valid) => Assert.Equal(valid, OrganisationIdentity.IsValidName(name));
}
