using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class PasscodeLockoutTests(RedisTestServer server)
{
    private readonly PasscodeTestContext _context = new(server);

    [Fact]
    public async Task Ten_consecutive_failures_across_passcodes_lock_verification_for_fifteen_minutes()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await FailAsync(subject, failures: 10);
        var lockedAt = _context.Now;

        Assert.Equal(lockedAt.AddMinutes(15), await _context.Store.GetLockAsync(subject.AccountKey, _context.Now));
        Assert.Equal(new PasscodeVerifyResult.Locked(lockedAt.AddMinutes(15)), await _context.VerifyAsync(subject, code));
        Assert.Equal(new PasscodeIssueResult.Locked(lockedAt.AddMinutes(15)), await _context.IssueAsync(subject));

        _context.Clock.Advance(TimeSpan.FromMinutes(15));

        Assert.Null(await _context.Store.GetLockAsync(subject.AccountKey, _context.Now));
        var fresh = await _context.IssueCodeAsync(subject);
        Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, fresh));
    }

    [Fact]
    public async Task An_admin_listing_reads_the_locks_of_many_accounts_at_once()
    {
        var locked = PasscodeTestContext.NewSubject();
        var free = PasscodeTestContext.NewSubject();
        await FailAsync(locked, failures: 10);

        var locks = await _context.Store.GetLocksAsync([locked.AccountKey, free.AccountKey], _context.Now);

        Assert.Equal(_context.Now.AddMinutes(15), Assert.Single(locks, l => l.Key == locked.AccountKey).Value);
        Assert.DoesNotContain(free.AccountKey, locks.Keys);
    }

    [Fact]
    public async Task Lock_out_covers_the_account_in_every_organisation()
    {
        var subject = PasscodeTestContext.NewSubject("org-a");
        await FailAsync(subject, failures: 10);

        var otherOrg = new PasscodeSubject("org-b", subject.AccountKey);

        Assert.IsType<PasscodeIssueResult.Locked>(await _context.IssueAsync(otherOrg));
    }

    [Fact]
    public async Task Success_resets_the_consecutive_failure_count()
    {
        var subject = PasscodeTestContext.NewSubject();
        await FailAsync(subject, failures: 9);
        _context.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = await _context.IssueCodeAsync(subject);
        Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, code));

        _context.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = await _context.IssueCodeAsync(subject);

        Assert.Equal(new PasscodeVerifyResult.Wrong(4), await _context.VerifyAsync(subject, PasscodeTestContext.WrongCode(next)));
        Assert.Null(await _context.Store.GetLockAsync(subject.AccountKey, _context.Now));
    }

    [Fact]
    public async Task Admin_unlock_ends_the_lock_out_at_once()
    {
        var subject = PasscodeTestContext.NewSubject();
        await FailAsync(subject, failures: 10);
        Assert.NotNull(await _context.Store.GetLockAsync(subject.AccountKey, _context.Now));

        await _context.Store.UnlockAsync(subject.AccountKey);

        Assert.Null(await _context.Store.GetLockAsync(subject.AccountKey, _context.Now));
        _context.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = await _context.IssueCodeAsync(subject);
        Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task Account_that_never_failed_is_not_locked()
    {
        Assert.Null(await _context.Store.GetLockAsync("account-" + Guid.NewGuid().ToString("N"), _context.Now));
    }

    /// <summary>Submits wrong codes, sending a new passcode every four failures; returns the last code sent.</summary>
    private async Task<string> FailAsync(PasscodeSubject subject, int failures)
    {
        var code = "";
        for (var failure = 0; failure < failures; failure++)
        {
            if (failure % 4 == 0)
            {
                _context.Clock.Advance(TimeSpan.FromSeconds(30));
                code = await _context.IssueCodeAsync(subject);
            }

            var result = await _context.VerifyAsync(subject, PasscodeTestContext.WrongCode(code));
            Assert.IsType(failure == 9 ? typeof(PasscodeVerifyResult.Locked) : typeof(PasscodeVerifyResult.Wrong), result);
        }

        return code;
    }
}
