using StackExchange.Redis;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class PasscodeChallengeStoreTests(RedisTestServer server)
{
    private readonly PasscodeTestContext _context = new(server);

    [Fact]
    public async Task Issued_passcode_is_numeric_six_digits_and_valid_ten_minutes()
    {
        var issued = Assert.IsType<PasscodeIssueResult.Issued>(await _context.IssueAsync(PasscodeTestContext.NewSubject()));

        Assert.Matches("^[0-9]{6}$", issued.Code);
        Assert.Equal(_context.Now.AddMinutes(10), issued.ExpiresAt);
        Assert.DoesNotContain(issued.Code, issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Correct_passcode_verifies_once()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _context.IssueCodeAsync(subject);
        _context.Clock.Advance(TimeSpan.FromMinutes(2));

        var verified = Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, code));

        Assert.Equal(_context.Now, verified.Record.VerifiedAt);
        Assert.Equal(VerificationMethod.EmailOtp, verified.Record.Method);
        Assert.IsType<PasscodeVerifyResult.Expired>(await _context.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task Five_wrong_tries_kill_the_passcode()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _context.IssueCodeAsync(subject);
        var wrong = PasscodeTestContext.WrongCode(code);

        for (var triesLeft = 4; triesLeft >= 1; triesLeft--)
        {
            Assert.Equal(new PasscodeVerifyResult.Wrong(triesLeft), await _context.VerifyAsync(subject, wrong));
        }

        Assert.IsType<PasscodeVerifyResult.TooManyTries>(await _context.VerifyAsync(subject, wrong));
        Assert.IsType<PasscodeVerifyResult.Expired>(await _context.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task Passcode_is_refused_once_ten_minutes_have_passed()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _context.IssueCodeAsync(subject);

        _context.Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.IsType<PasscodeVerifyResult.Expired>(await _context.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task Passcode_still_works_just_before_it_expires()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _context.IssueCodeAsync(subject);

        _context.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));

        Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task Passcode_can_be_used_only_once()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _context.IssueCodeAsync(subject);

        Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, code));
        Assert.IsType<PasscodeVerifyResult.Expired>(await _context.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task Verifying_without_any_passcode_sent_is_expired()
    {
        Assert.IsType<PasscodeVerifyResult.Expired>(await _context.VerifyAsync(PasscodeTestContext.NewSubject(), "123456"));
    }

    [Fact]
    public async Task New_passcode_replaces_the_previous_one()
    {
        var subject = PasscodeTestContext.NewSubject();
        var first = await _context.IssueCodeAsync(subject);
        _context.Clock.Advance(TimeSpan.FromSeconds(30));
        var second = await _context.IssueCodeAsync(subject);

        if (first != second)
        {
            Assert.IsType<PasscodeVerifyResult.Wrong>(await _context.VerifyAsync(subject, first));
        }

        Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, second));
    }

    [Fact]
    public async Task Passcode_for_one_org_does_not_verify_for_another()
    {
        var subject = PasscodeTestContext.NewSubject("org-a");
        var code = await _context.IssueCodeAsync(subject);

        var otherOrg = new PasscodeSubject("org-b", subject.AccountKey);

        Assert.IsType<PasscodeVerifyResult.Expired>(await _context.VerifyAsync(otherOrg, code));
        Assert.IsType<PasscodeVerifyResult.Verified>(await _context.VerifyAsync(subject, code));
    }

    [Fact]
    public async Task Concurrent_correct_submissions_verify_exactly_once()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _context.IssueCodeAsync(subject);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _context.VerifyAsync(subject, code))));

        Assert.Single(results, result => result is PasscodeVerifyResult.Verified);
        Assert.All(results.Where(result => result is not PasscodeVerifyResult.Verified), result => Assert.IsType<PasscodeVerifyResult.Expired>(result));
    }

    [Fact]
    public async Task Redis_holds_only_a_keyed_hash_of_the_passcode()
    {
        var subject = PasscodeTestContext.NewSubject();
        var code = await _context.IssueCodeAsync(subject);

        var stored = await server.Connection.GetDatabase().HashGetAllAsync(_context.Keys.PasscodeChallenge(subject.OrgId, subject.AccountKey));
        var fields = stored.ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);

        Assert.Equal(_context.Hashing.HashPasscode(subject, code), fields["hash"]);
        Assert.DoesNotContain(code, fields["hash"], StringComparison.Ordinal);
        Assert.DoesNotContain(fields.Values, value => value == code);
    }
}
