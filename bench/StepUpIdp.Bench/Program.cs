using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Infrastructure.Redis.Sessions;

// Usage: dotnet run -c Release --project bench/StepUpIdp.Bench -- [redis-endpoint] [iterations]
// Without an endpoint it starts the embedded Garnet server. One caller, sequential: latency, not throughput.
var endpoint = args.Length > 0 ? args[0] : null;
var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;

using var embedded = endpoint is null ? EmbeddedRespServer.Start() : null;
using var redis = RedisConnection.Connect(endpoint ?? embedded!.Endpoint);
var keys = new RedisKeys($"bench:{Guid.NewGuid():N}:");
var sessions = new RedisSessionStore(redis, keys, new VerificationSeal(RandomNumberGenerator.GetBytes(32)));
var passcodes = new RedisPasscodeChallengeStore(redis, keys, new PasscodeHashing(RandomNumberGenerator.GetBytes(32)), PasscodeLimits.Default);
// The largest set of policies an org may have: 20 domain policies of 20 domains each and a pilot of 5, with the
// person on the last domain of the last policy (the resolver's slowest path), as docs/external-policies.md describes.
var orgPolicies = new OrganisationPolicies(
    ScopedExternalPolicy.ForDefault(ExternalUserPolicy.Default),
    [
        .. Enumerable.Range(1, OrganisationPolicies.MaxDomainPolicies).Select(p => new ScopedExternalPolicy($"pol_{p}", $"P{p}", ExternalPolicyScope.Domains, ExternalUserPolicy.Default)
        {
            Domains = [.. Enumerable.Range(1, OrganisationPolicies.MaxDomainsPerPolicy).Select(d => $"d{d}.p{p}.test")],
        }),
        new ScopedExternalPolicy("pol_pilot", "Pilot", ExternalPolicyScope.Pilot, ExternalUserPolicy.Default)
        {
            PilotAccounts = [.. Enumerable.Range(1, OrganisationPolicies.MaxPilotAccounts).Select(a => new PilotAccount($"a{a}", $"a{a}@x.test"))],
        },
    ]);
var person = new PolicySubject("bob", $"bob@d{OrganisationPolicies.MaxDomainsPerPolicy}.p{OrganisationPolicies.MaxDomainPolicies}.test", StepUpIdp.Domain.Accounts.UserType.External);
var database = redis.GetDatabase();

// A signed-in external user's session with a verification for the org: what every authorization request reads.
var start = DateTimeOffset.UtcNow;
var session = new SignInSession("bench-session", "bob", start, ["pwd"], start, start, start.AddHours(8), "bench", "127.0.0.1",
    [], new Dictionary<string, DateTimeOffset>(), []);
await sessions.CreateAsync(session, TimeSpan.FromDays(1));
await sessions.RecordVerificationAsync("bob", session.Id, "acme", new VerificationRecord(start, VerificationMethod.EmailOtp), "bench-stamp");
var lifetime = new SessionLifetime(TimeSpan.FromHours(8), TimeSpan.FromHours(2));

var ping = await MeasureAsync("PING (bare Redis round trip)", iterations, async _ => await database.PingAsync());
await database.StringSetAsync(keys.AccountSessions("bench-get"), "1:email_otp", TimeSpan.FromHours(1));
var get = await MeasureAsync("GET (a plain one-key read)", iterations, async _ => await database.StringGetAsync(keys.AccountSessions("bench-get")));
var check = await MeasureAsync("authorize-time check (session + policy)", iterations, async _ =>
{
    var now = DateTimeOffset.UtcNow;
    var current = await sessions.GetAsync("bob", session.Id);
    if (SessionLifetime.ShouldRecordUse(current!, now))
    {
        sessions.RecordUse("bob", session.Id, now, current!.ExpiresAt);
    }

    GC.KeepAlive(lifetime.Judge(current!, now));
    var policy = ExternalPolicyResolver.Resolve(orgPolicies, person).Policy;
    GC.KeepAlive(ReverificationSchedule.EvaluateBest(policy, current!.VerificationsFor("acme"), now));
});

// Each passcode is issued to a fresh account key (send limits are per account), then verified once;
// only the verification is timed. Client IPs rotate so the per-IP send limit never bites.
var verifyTimes = new List<double>(iterations);
for (var i = 0; i < iterations; i++)
{
    var subject = new PasscodeSubject("acme", $"user-{i}");
    var issued = (PasscodeIssueResult.Issued)await passcodes.IssueAsync(subject, $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}", DateTimeOffset.UtcNow);
    var started = Stopwatch.GetTimestamp();
    var result = await passcodes.VerifyAsync(subject, issued.Code, DateTimeOffset.UtcNow);
    verifyTimes.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
    if (result is not PasscodeVerifyResult.Verified)
    {
        throw new InvalidOperationException($"Unexpected {result}");
    }
}

var verify = Summary.Of("passcode verification (one Lua script)", verifyTimes);

// The resolution alone, no I/O: what several policies add to every check of an external user.
var resolveTimes = new List<double>(iterations);
for (var i = 0; i < iterations; i++)
{
    var started = Stopwatch.GetTimestamp();
    GC.KeepAlive(ExternalPolicyResolver.Resolve(orgPolicies, person));
    resolveTimes.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
}

var resolve = Summary.Of("policy resolution (pure, 401 domains)", resolveTimes);

Console.WriteLine($"server: {(endpoint ?? "embedded Garnet")}, iterations: {iterations}");
Console.WriteLine($"{"operation",-42} {"p50 µs",8} {"p90 µs",8} {"p99 µs",8} {"× PING p50",10}");
foreach (var row in new[] { ping, get, check, verify, resolve })
{
    Console.WriteLine($"{row.Name,-42} {row.P50,8:F0} {row.P90,8:F0} {row.P99,8:F0} {row.P50 / ping.P50,10:F2}");
}

static async Task<Summary> MeasureAsync(string name, int iterations, Func<int, Task> operation)
{
    for (var i = 0; i < Math.Min(500, iterations); i++)
    {
        await operation(i); // warm-up: JIT, connection, script cache
    }

    var times = new List<double>(iterations);
    for (var i = 0; i < iterations; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await operation(i);
        times.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
    }

    return Summary.Of(name, times);
}

internal sealed record Summary(string Name, double P50, double P90, double P99)
{
    public static Summary Of(string name, List<double> times)
    {
        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)(q * times.Count))];
        return new Summary(name, At(0.50), At(0.90), At(0.99));
    }
}
