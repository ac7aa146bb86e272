using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Domain.Tests.Accounts;

public class PasswordResetEmailLimitTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly PasswordResetEmailLimit _limit = PasswordResetEmailLimit.Default;

    [Fact]
    public void The_first_email_goes()
    {
        Assert.IsType<PasswordResetEmailDecision.Send>(_limit.Decide([], Now));
    }

    [Fact]
    public void A_second_within_30_seconds_waits_for_the_rest_of_them()
    {
        var decision = Assert.IsType<PasswordResetEmailDecision.CoolingDown>(_limit.Decide([Now.AddSeconds(-10)], Now));
        Assert.Equal(TimeSpan.FromSeconds(20), decision.RetryAfter);
        Assert.IsType<PasswordResetEmailDecision.Send>(_limit.Decide([Now.AddSeconds(-30)], Now));
    }

    [Fact]
    public void The_sixth_in_15_minutes_is_refused_until_the_oldest_leaves_the_window()
    {
        DateTimeOffset[] five = [.. Enumerable.Range(1, 5).Select(i => Now.AddMinutes(-2 * i))];
        var decision = Assert.IsType<PasswordResetEmailDecision.Capped>(_limit.Decide(five, Now));
        Assert.Equal(TimeSpan.FromMinutes(5), decision.RetryAfter);
        Assert.IsType<PasswordResetEmailDecision.Send>(_limit.Decide(five, Now.AddMinutes(5)));
    }

    [Fact]
    public void Emails_older_than_the_window_do_not_count()
    {
        DateTimeOffset[] old = [.. Enumerable.Range(0, 10).Select(i => Now.AddMinutes(-15).AddSeconds(-i))];
        Assert.IsType<PasswordResetEmailDecision.Send>(_limit.Decide(old, Now));
    }
}
