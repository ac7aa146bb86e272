using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Domain.Tests.Accounts;

public class PasswordLockoutTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly PasswordLockout _lockout = PasswordLockout.Default;

    private DateTimeOffset Now => _time.GetUtcNow();

    private PasswordLockoutState Fail(int times, PasswordLockoutState? from = null)
    {
        var state = from ?? PasswordLockoutState.Clear;
        for (var i = 0; i < times; i++)
        {
            state = _lockout.AfterFailure(state, Now);
        }

        return state;
    }

    [Fact]
    public void Four_wrong_passwords_still_allow_another_try()
    {
        var state = Fail(4);

        Assert.Equal(4, state.ConsecutiveFailures);
        Assert.IsType<PasswordAttemptDecision.CanTry>(_lockout.Check(state, Now));
    }

    [Fact]
    public void Fifth_wrong_password_locks_the_account_for_fifteen_minutes()
    {
        var state = Fail(5);

        Assert.Equal(new PasswordAttemptDecision.Locked(Now.AddMinutes(15)), _lockout.Check(state, Now));
    }

    [Fact]
    public void Lock_ends_exactly_after_fifteen_minutes_with_a_fresh_count()
    {
        var state = Fail(5);

        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromTicks(1));
        Assert.IsType<PasswordAttemptDecision.Locked>(_lockout.Check(state, Now));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.IsType<PasswordAttemptDecision.CanTry>(_lockout.Check(state, Now));
        Assert.Equal(1, _lockout.AfterFailure(state, Now).ConsecutiveFailures);
    }

    [Fact]
    public void Failures_during_a_lock_do_not_extend_it()
    {
        var locked = Fail(5);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(locked, _lockout.AfterFailure(locked, Now));
    }

    [Fact]
    public void Correct_password_clears_the_count()
    {
        Assert.Equal(4, Fail(4).ConsecutiveFailures);

        var state = Fail(4, from: PasswordLockout.AfterSuccess());

        Assert.IsType<PasswordAttemptDecision.CanTry>(_lockout.Check(state, Now));
    }

    [Fact]
    public void Limits_can_be_configured()
    {
        var strict = new PasswordLockout { MaxFailures = 3, LockDuration = TimeSpan.FromHours(1) };
        var state = PasswordLockoutState.Clear;
        for (var i = 0; i < 3; i++)
        {
            state = strict.AfterFailure(state, Now);
        }

        Assert.Equal(new PasswordAttemptDecision.Locked(Now.AddHours(1)), strict.Check(state, Now));
    }

    [Fact]
    public void An_attempt_is_counted_before_the_password_is_checked_and_the_fifth_locks_at_once()
    {
        Assert.Equal(new PasswordLockoutState(1, null), _lockout.BeforeAttempt(PasswordLockoutState.Clear, Now));

        var fifth = _lockout.BeforeAttempt(Fail(4), Now);

        Assert.Equal(new PasswordLockoutState(0, Now.AddMinutes(15)), fifth);
        Assert.Null(_lockout.BeforeAttempt(fifth!, Now));
        Assert.NotNull(_lockout.BeforeAttempt(fifth!, Now.AddMinutes(15)));
    }
}
