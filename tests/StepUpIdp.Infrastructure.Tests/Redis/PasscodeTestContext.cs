using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

/// <summary>A passcode store over a fresh key prefix, a fake clock, and short ways to drive it.</summary>
internal sealed class PasscodeTestContext
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public PasscodeTestContext(RedisTestServer server)
    {
        Server = server;
        Keys = server.NewKeys();
        Hashing = new PasscodeHashing(RandomNumberGenerator.GetBytes(32));
        Store = new RedisPasscodeChallengeStore(server.Connection, Keys, Hashing, PasscodeLimits.Default);
    }

    public RedisTestServer Server { get; }

    public RedisKeys Keys { get; }

    public PasscodeHashing Hashing { get; }

    public RedisPasscodeChallengeStore Store { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public DateTimeOffset Now => Clock.GetUtcNow();

    public Task<PasscodeIssueResult> IssueAsync(PasscodeSubject subject, string clientIp = "192.0.2.10") =>
        Store.IssueAsync(subject, clientIp, Now);

    public async Task<string> IssueCodeAsync(PasscodeSubject subject, string clientIp = "192.0.2.10")
    {
        var result = await IssueAsync(subject, clientIp);
        return Assert.IsType<PasscodeIssueResult.Issued>(result).Code;
    }

    public Task<PasscodeVerifyResult> VerifyAsync(PasscodeSubject subject, string code) =>
        Store.VerifyAsync(subject, code, Now);

    public static PasscodeSubject NewSubject(string org = "org-1") => new(org, "account-" + Guid.NewGuid().ToString("N"));

    /// <summary>A code of the same length that is certainly not <paramref name="code"/>.</summary>
    public static string WrongCode(string code) => (char)('0' + ((code[0] - '0' + 1) % 10)) + code[1..];
}
