using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Tests.Redis;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.TwoStep;

/// <summary>Wrong authenticator codes and wrong emailed passcodes share one lock-out, counted before a code is checked.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class VerificationFailuresTests(RedisTestServer server)
{
    private readonly PasscodeTestContext _passcodes = new(server);

    private VerificationFailures Failures => new(server.Connection, _passcodes.Keys, PasscodeLimits.Default);

    [Fact]
    public async Task Ten_consecutive_failures_across_emailed_and_authenticator_codes_lock_verification()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _passcodes.IssueCodeAsync(subject);
        for (var i = 0; i < 4; i++)
        {
            await _passcodes.VerifyAsync(subject, PasscodeTestContext.WrongCode(code));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(new VerificationAttempt.MayCheck(null), await Failures.BeginAsync(subject.AccountKey, _passcodes.Now));
        }

        var tenth = Assert.IsType<VerificationAttempt.MayCheck>(await Failures.BeginAsync(subject.AccountKey, _passcodes.Now));

        Assert.Equal(_passcodes.Now + PasscodeLimits.Default.LockDuration, tenth.LockedUntil);
        Assert.Equal(tenth.LockedUntil, await _passcodes.Store.GetLockAsync(subject.AccountKey, _passcodes.Now));
        Assert.Equal(new VerificationAttempt.Locked(tenth.LockedUntil!.Value), await Failures.BeginAsync(subject.AccountKey, _passcodes.Now));
        Assert.IsType<PasscodeVerifyResult.Locked>(await _passcodes.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task A_success_clears_the_run_of_failures_but_not_a_lock_another_attempt_set()
    {
        var account = "account-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 8; i++)
        {
            await Failures.BeginAsync(account, _passcodes.Now);
        }

        await Failures.SucceededAsync(account, (VerificationAttempt.MayCheck)await Failures.BeginAsync(account, _passcodes.Now));
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(new VerificationAttempt.MayCheck(null), await Failures.BeginAsync(account, _passcodes.Now));
        }

        var locking = (VerificationAttempt.MayCheck)await Failures.BeginAsync(account, _passcodes.Now);
        await Failures.SucceededAsync(account, new VerificationAttempt.MayCheck(null));
        Assert.Equal(locking.LockedUntil, await _passcodes.Store.GetLockAsync(account, _passcodes.Now));
    }

    [Fact]
    public async Task A_right_code_on_the_attempt_that_locked_lifts_that_lock()
    {
        var account = "account-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 9; i++)
        {
            await Failures.BeginAsync(account, _passcodes.Now);
        }

        var tenth = (VerificationAttempt.MayCheck)await Failures.BeginAsync(account, _passcodes.Now);
        Assert.NotNull(tenth.LockedUntil);

        await Failures.SucceededAsync(account, tenth);

        Assert.Null(await _passcodes.Store.GetLockAsync(account, _passcodes.Now));
        Assert.Equal(new VerificationAttempt.MayCheck(null), await Failures.BeginAsync(account, _passcodes.Now));
    }

    [Fact]
    public async Task Of_fifty_parallel_attempts_exactly_ten_may_check_a_code_and_the_rest_are_locked()
    {
        var account = "account-" + Guid.NewGuid().ToString("N");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Failures.BeginAsync(account, _passcodes.Now))));

        Assert.Equal(10, attempts.OfType<VerificationAttempt.MayCheck>().Count());
        Assert.Single(attempts.OfType<VerificationAttempt.MayCheck>(), a => a.LockedUntil is not null);
        Assert.Equal(40, attempts.OfType<VerificationAttempt.Locked>().Count());
    }
}
