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

    [Fact]
    public async Task Concurrent_sends_from_one_client_network_stop_exactly_at_the_limit()
    {
        var clientIp = $"198.18.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";

        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => _context.IssueAsync(PasscodeTestContext.NewSubject(), clientIp))));

        Assert.Equal(5, results.Count(r => r is PasscodeIssueResult.Issued));
        Assert.All(results.OfType<PasscodeIssueResult.RateLimited>(), r => Assert.Equal(PasscodeRateLimitScope.ClientIp, r.Scope));
        Assert.Equal(15, results.Count(r => r is PasscodeIssueResult.RateLimited));
    }

    [Fact]
    public async Task Concurrent_sends_to_one_account_issue_once_and_leave_the_networks_their_places()
    {
        var subject = PasscodeTestContext.NewSubject();
        var clientIp = $"198.19.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _context.IssueAsync(subject, clientIp))));

        // One send; the others are refused by the cool-down or, while places are reserved, by the network's limit.
        Assert.Single(results.OfType<PasscodeIssueResult.Issued>());
        Assert.Equal(19, results.Count(r => r is PasscodeIssueResult.CoolingDown or PasscodeIssueResult.RateLimited));
        // The refused sends took back their places in the network's window: four more accounts may still get one.
        for (var i = 0; i < 4; i++)
        {
            await _context.IssueCodeAsync(PasscodeTestContext.NewSubject(), clientIp);
        }

        Assert.IsType<PasscodeIssueResult.RateLimited>(await _context.IssueAsync(PasscodeTestContext.NewSubject(), clientIp));
    }

    [Fact]
    public async Task A_refunded_send_counts_toward_neither_the_account_nor_the_network()
    {
        var subject = PasscodeTestContext.NewSubject();
        var clientIp = $"198.18.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";
        for (var i = 0; i < 5; i++)
        {
            var issued = Assert.IsType<PasscodeIssueResult.Issued>(await _context.IssueAsync(subject, clientIp));
            await _context.Store.RefundAsync(subject, clientIp, issued);
            Assert.IsType<PasscodeVerifyResult.Expired>(await _context.VerifyAsync(subject, issued.Code));
        }

        // Five refunded sends in a row, no cool-down: the account and the network still have all five places.
        for (var i = 0; i < 5; i++)
        {
            await _context.IssueCodeAsync(PasscodeTestContext.NewSubject(), clientIp);
        }

        Assert.IsType<PasscodeIssueResult.Issued>(await _context.IssueAsync(subject, "203.0.113.8"));
    }
}
