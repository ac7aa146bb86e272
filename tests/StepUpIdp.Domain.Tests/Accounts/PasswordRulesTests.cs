using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Domain.Tests.Accounts;

public sealed class PasswordRulesTests
{
    private static readonly string[] Alice = ["alice@acme.example", "Alice Smith", "Acme"];

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("tram-quilt-oyster-velvet")]
    [InlineData("Gänseblümchen wiegen 7 Tonnen")]
    public void A_long_unguessable_password_is_accepted_without_composition_rules(string password) =>
        Assert.True(PasswordRules.Check(password, Alice).Accepted);

    [Fact]
    public void Eleven_characters_are_too_short_even_when_random() =>
        Assert.Equal(PasswordProblem.TooShort, PasswordRules.Check("qZ8#vL2!mW0", Alice).Problem);

    [Fact]
    public void Length_counts_characters_not_bytes_or_utf16_units()
    {
        // Twelve emoji are 24 UTF-16 units but twelve characters; eleven are too short whatever their bytes.
        Assert.Equal(PasswordProblem.TooShort, PasswordRules.Check(string.Concat(Enumerable.Repeat("🦊", 11)), Alice).Problem);
        Assert.NotEqual(PasswordProblem.TooShort, PasswordRules.Check(string.Concat(Enumerable.Repeat("🦊", 12)), Alice).Problem);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Password123!")]
    [InlineData("qwertyuiop12")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("123456789012")]
    public void Common_and_patterned_passwords_are_refused(string password) =>
        Assert.Equal(PasswordProblem.TooGuessable, PasswordRules.Check(password, Alice).Problem);

    [Fact]
    public void A_password_built_from_the_persons_own_details_is_refused()
    {
        // Names no dictionary knows: strong for anyone else, guessable for the person they describe.
        const string password = "quenbyvashti-zorblatix";
        Assert.True(PasswordRules.Check(password, ["bob@partner.example"]).Accepted);
        Assert.Equal(PasswordProblem.TooGuessable, PasswordRules.Check(password, ["quenby@zorblatix.example", "Quenby Vashti"]).Problem);
    }

    [Fact]
    public void Missing_and_overlong_passwords_are_refused()
    {
        Assert.Equal(PasswordProblem.Missing, PasswordRules.Check("", Alice).Problem);
        Assert.Equal(PasswordProblem.Missing, PasswordRules.Check(null, Alice).Problem);
        Assert.Equal(PasswordProblem.TooLong, PasswordRules.Check(new string('x', PasswordRules.MaxLength + 1), Alice).Problem);
    }
}
