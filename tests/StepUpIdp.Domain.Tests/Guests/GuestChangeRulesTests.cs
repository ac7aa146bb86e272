using StepUpIdp.Domain.Guests;

namespace StepUpIdp.Domain.Tests.Guests;

public class GuestChangeRulesTests
{
    private static readonly IReadOnlySet<string> AppSpaces = new HashSet<string> { "eng", "sales" };
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Taking_every_space_away_is_a_valid_change()
    {
        var valid = Assert.IsType<GuestChangeValidation.Valid>(GuestChangeRules.Validate([], AppSpaces, null, false, Now));

        Assert.Empty(valid.Spaces);
    }

    [Fact]
    public void Missing_unknown_or_repeated_spaces_are_refused_by_field()
    {
        Assert.Contains("spaces", Assert.IsType<GuestChangeValidation.Invalid>(GuestChangeRules.Validate(null, AppSpaces, null, false, Now)).Errors);
        Assert.Contains("spaces", Assert.IsType<GuestChangeValidation.Invalid>(GuestChangeRules.Validate(["hr"], AppSpaces, null, false, Now)).Errors);
        Assert.Contains("spaces", Assert.IsType<GuestChangeValidation.Invalid>(GuestChangeRules.Validate(["eng", "eng"], AppSpaces, null, false, Now)).Errors);
    }

    [Fact]
    public void A_past_access_end_is_refused_but_clearing_it_is_not()
    {
        Assert.Contains("expiresAt", Assert.IsType<GuestChangeValidation.Invalid>(GuestChangeRules.Validate(["eng"], AppSpaces, Now, true, Now)).Errors);
        Assert.IsType<GuestChangeValidation.Valid>(GuestChangeRules.Validate(["eng"], AppSpaces, null, true, Now));
    }
}
