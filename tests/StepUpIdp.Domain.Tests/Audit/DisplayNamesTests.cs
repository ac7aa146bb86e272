using StepUpIdp.Domain.Audit;

namespace StepUpIdp.Domain.Tests.Audit;

public sealed class DisplayNamesTests
{
    [Theory]
    [InlineData("ci\r\nrevoked by admin")]
    [InlineData("ci\u0000")]
    [InlineData("\u202Egnp.exe")]
    [InlineData("a\u2066b\u2069")]
    [InlineData("zero\u200Bwidth")]
    public void A_name_with_control_or_invisible_formatting_characters_is_refused(string name) =>
        Assert.True(DisplayNames.HasHiddenCharacters(name));

    [Theory]
    [InlineData("CI deploy (prod)")]
    [InlineData("Équipe Zürich")]
    [InlineData("فريق")]
    [InlineData("開発チーム")]
    public void Names_in_any_script_pass(string name) => Assert.False(DisplayNames.HasHiddenCharacters(name));
}
