using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Guests;

namespace StepUpIdp.Domain.Tests.Guests;

public class GuestInvitationRulesTests
{
    private static readonly IReadOnlySet<string> AppSpaces = new HashSet<string> { "eng", "sales" };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _time.GetUtcNow();

    private GuestInvitationValidation Validate(IReadOnlyList<string> emails, IReadOnlyList<string>? spaces = null, DateTimeOffset? expiresAt = null) =>
        GuestInvitationRules.Validate(emails, spaces ?? ["eng"], AppSpaces, expiresAt, Now);

    private IReadOnlyDictionary<string, string[]> Errors(IReadOnlyList<string> emails, IReadOnlyList<string>? spaces = null, DateTimeOffset? expiresAt = null) =>
        Assert.IsType<GuestInvitationValidation.Invalid>(Validate(emails, spaces, expiresAt)).Errors;

    [Fact]
    public void Invitation_with_plausible_emails_a_known_space_and_a_future_expiry_is_accepted()
    {
        var valid = Assert.IsType<GuestInvitationValidation.Valid>(
            Validate([" carol@partner.test ", "erin@other.test"], ["eng", "sales"], Now.AddDays(30)));

        Assert.Equal(["carol@partner.test", "erin@other.test"], valid.Emails);
        Assert.Equal(["eng", "sales"], valid.Spaces);
    }

    [Fact]
    public void Invitation_without_expiry_is_accepted()
    {
        Assert.IsType<GuestInvitationValidation.Valid>(Validate(["carol@partner.test"]));
    }

    [Fact]
    public void Invitation_needs_at_least_one_email()
    {
        Assert.Equal(["emails"], Errors([]).Keys);
    }

    [Fact]
    public void Invitation_takes_at_most_ten_emails()
    {
        var eleven = Enumerable.Range(1, 11).Select(i => $"guest{i}@partner.test").ToArray();

        Assert.Contains("at most 10", Assert.Single(Errors(eleven)["emails"]));
        Assert.IsType<GuestInvitationValidation.Valid>(Validate(eleven[..10]));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("carol@localhost")]
    [InlineData("carol smith@partner.test")]
    [InlineData("")]
    public void Implausible_email_is_refused(string email)
    {
        Assert.Single(Errors(["dave@partner.test", email])["emails"]);
    }

    [Fact]
    public void The_same_email_twice_is_refused_whatever_its_case()
    {
        Assert.Contains("more than once", Assert.Single(Errors(["carol@partner.test", "Carol@Partner.TEST"])["emails"]));
    }

    [Fact]
    public void Invitation_needs_at_least_one_space()
    {
        Assert.Equal(["spaces"], Errors(["carol@partner.test"], []).Keys);
    }

    [Fact]
    public void Space_the_app_does_not_define_is_refused()
    {
        Assert.Contains("\"hr\"", Assert.Single(Errors(["carol@partner.test"], ["eng", "hr"])["spaces"]));
    }

    [Fact]
    public void The_same_space_twice_is_refused()
    {
        Assert.Contains("more than once", Assert.Single(Errors(["carol@partner.test"], ["eng", "eng"])["spaces"]));
    }

    [Fact]
    public void Expiry_in_the_past_or_now_is_refused()
    {
        Assert.Equal(["expiresAt"], Errors(["carol@partner.test"], expiresAt: Now).Keys);
        Assert.Equal(["expiresAt"], Errors(["carol@partner.test"], expiresAt: Now.AddDays(-1)).Keys);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var errors = Errors([], [], Now.AddDays(-1));

        Assert.Equal(["emails", "expiresAt", "spaces"], errors.Keys.Order(StringComparer.Ordinal));
    }
}

public class GuestAllowanceTests
{
    [Fact]
    public void Invitation_within_the_allowance_is_allowed()
    {
        Assert.IsType<GuestAllowanceDecision.Allowed>(GuestAllowance.Check(currentGuests: 3, seatHolders: 1, newGuests: 2));
    }

    [Fact]
    public void Invitation_over_the_allowance_is_refused_with_the_numbers()
    {
        var refused = Assert.IsType<GuestAllowanceDecision.Refused>(GuestAllowance.Check(currentGuests: 3, seatHolders: 1, newGuests: 4));

        Assert.Equal("This would make 7 guests; the allowance is 5 (5 per user or admin).", refused.Message);
        Assert.Equal(7, refused.WouldBe);
        Assert.Equal(5, refused.Allowance);
    }

    [Fact]
    public void Allowance_grows_with_every_user_or_admin()
    {
        Assert.IsType<GuestAllowanceDecision.Allowed>(GuestAllowance.Check(currentGuests: 8, seatHolders: 2, newGuests: 2));
        Assert.IsType<GuestAllowanceDecision.Refused>(GuestAllowance.Check(currentGuests: 8, seatHolders: 2, newGuests: 3));
    }

    [Fact]
    public void Org_without_users_cannot_invite_guests()
    {
        var refused = Assert.IsType<GuestAllowanceDecision.Refused>(GuestAllowance.Check(0, 0, 1));

        Assert.Equal("This would make 1 guest; the allowance is 0 (5 per user or admin).", refused.Message);
    }

    [Fact]
    public void Allowance_per_seat_is_configurable()
    {
        Assert.IsType<GuestAllowanceDecision.Allowed>(GuestAllowance.Check(0, 1, 10, perSeat: 10));
        Assert.Contains("(2 per user or admin)", Assert.IsType<GuestAllowanceDecision.Refused>(GuestAllowance.Check(0, 1, 3, perSeat: 2)).Message);
    }

    [Fact]
    public void Negative_counts_are_a_bug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GuestAllowance.Check(-1, 1, 1));
    }
}

public class GuestAccessTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Guest_with_a_space_and_no_expiry_may_sign_in()
    {
        Assert.IsType<GuestAccessDecision.Allowed>(GuestAccess.CheckSignIn(["eng"], null, _time.GetUtcNow()));
    }

    [Fact]
    public void Guest_without_spaces_cannot_sign_in()
    {
        Assert.Equal(
            new GuestAccessDecision.Denied(GuestDeniedReason.NoSpaces),
            GuestAccess.CheckSignIn([], null, _time.GetUtcNow()));
    }

    [Fact]
    public void Guest_cannot_sign_in_from_the_moment_access_expires()
    {
        var expiresAt = _time.GetUtcNow().AddDays(1);
        _time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromTicks(1));
        Assert.IsType<GuestAccessDecision.Allowed>(GuestAccess.CheckSignIn(["eng"], expiresAt, _time.GetUtcNow()));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(
            new GuestAccessDecision.Denied(GuestDeniedReason.Expired),
            GuestAccess.CheckSignIn(["eng"], expiresAt, _time.GetUtcNow()));
    }
}

public class ScopePolicyTests
{
    [Fact]
    public void Guest_is_never_granted_directory_scopes()
    {
        var granted = ScopePolicy.FilterForGuest(["openid", "directory.read", "profile", "users.search", "mentions", "email"]);

        Assert.Equal(["openid", "profile", "email"], granted);
    }
}
