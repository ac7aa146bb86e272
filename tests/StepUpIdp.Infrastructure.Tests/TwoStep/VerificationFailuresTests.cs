using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Tests.Redis;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.TwoStep;

/// <summary>Wrong authenticator codes and wrong emailed passcodes share one lock-out (contract section 4).</summary>
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
            Assert.Null(await Failures.CountAsync(subject.AccountKey, _passcodes.Now));
        }

        var until = await Failures.CountAsync(subject.AccountKey, _passcodes.Now);

        Assert.Equal(_passcodes.Now + PasscodeLimits.Default.LockDuration, until);
        Assert.Equal(until, await _passcodes.Store.GetLockAsync(subject.AccountKey, _passcodes.Now));
        Assert.IsType<PasscodeVerifyResult.Locked>(await _passcodes.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task A_success_clears_the_run_of_failures_but_not_a_lock_already_on()
    {
        var account = "account-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 9; i++)
        {
            await Failures.CountAsync(account, _passcodes.Now);
        }

        await Failures.ClearAsync(account);
        Assert.Null(await Failures.CountAsync(account, _passcodes.Now));

        for (var i = 0; i < 10; i++)
        {
            await Failures.CountAsync(account, _passcodes.Now);
        }

        await Failures.ClearAsync(account);
        Assert.NotNull(await _passcodes.Store.GetLockAsync(account, _passcodes.Now));
    }
}
