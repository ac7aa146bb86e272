using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class PasscodeSendLimitTests(RedisTestServer server)
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);

    private readonly PasscodeTestContext _context = new(server);

    [Fact]
    public async Task Second_send_within_thirty_seconds_is_cooling_down()
    {
        var subject = PasscodeTestContext.NewSubject();
        await _context.IssueCodeAsync(subject);

        _context.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(new PasscodeIssueResult.CoolingDown(TimeSpan.FromSeconds(20)), await _context.IssueAsync(subject));

        _context.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.IsType<PasscodeIssueResult.Issued>(await _context.IssueAsync(subject));
    }

    [Fact]
    public async Task Sixth_send_to_an_account_within_fifteen_minutes_is_refused()
    {
        var subject = PasscodeTestContext.NewSubject();
        var firstSend = _context.Now;
        for (var i = 0; i < 5; i++)
        {
            // Different client IPs, so only the per-account limit can apply.
            await _context.IssueCodeAsync(subject, $"198.51.100.{i}");
            _context.Clock.Advance(Cooldown);
        }

        var refused = Assert.IsType<PasscodeIssueResult.RateLimited>(await _context.IssueAsync(subject, "198.51.100.99"));
        Assert.Equal(PasscodeRateLimitScope.Account, refused.Scope);
        Assert.Equal(firstSend + TimeSpan.FromMinutes(15) - _context.Now, refused.RetryAfter);

        _context.Clock.Advance(refused.RetryAfter);
        Assert.IsType<PasscodeIssueResult.Issued>(await _context.IssueAsync(subject, "198.51.100.99"));
    }

    [Fact]
    public async Task Send_limit_per_account_applies_across_organisations()
    {
        var accountKey = "account-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 5; i++)
        {
            await _context.IssueCodeAsync(new PasscodeSubject($"org-{i}", accountKey), $"198.51.100.{i}");
            _context.Clock.Advance(Cooldown);
        }

        Assert.IsType<PasscodeIssueResult.RateLimited>(await _context.IssueAsync(new PasscodeSubject("org-9", accountKey), "198.51.100.99"));
    }

    [Fact]
    public async Task Sixth_send_from_a_client_ip_within_fifteen_minutes_is_refused()
    {
        var clientIp = $"2001:db8::{Random.Shared.Next(1, 0xffff):x}";
        for (var i = 0; i < 5; i++)
        {
            await _context.IssueCodeAsync(PasscodeTestContext.NewSubject(), clientIp);
        }

        var refused = Assert.IsType<PasscodeIssueResult.RateLimited>(await _context.IssueAsync(PasscodeTestContext.NewSubject(), clientIp));
        Assert.Equal(PasscodeRateLimitScope.ClientIp, refused.Scope);
        Assert.Equal(TimeSpan.FromMinutes(15), refused.RetryAfter);

        Assert.IsType<PasscodeIssueResult.Issued>(await _context.IssueAsync(PasscodeTestContext.NewSubject(), "203.0.113.7"));
    }

    [Fact]
    public async Task Refused_sends_do_not_count_towards_the_limit()
    {
        var subject = PasscodeTestContext.NewSubject();
        await _context.IssueCodeAsync(subject);
        for (var i = 0; i < 10; i++)
        {
            Assert.IsType<PasscodeIssueResult.CoolingDown>(await _context.IssueAsync(subject));
        }

        for (var i = 0; i < 4; i++)
        {
            _context.Clock.Advance(Cooldown);
            Assert.IsType<PasscodeIssueResult.Issued>(await _context.IssueAsync(subject));
        }
    }
}
