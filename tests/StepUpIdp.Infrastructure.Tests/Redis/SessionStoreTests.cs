using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Sessions;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class SessionStoreTests(RedisTestServer server)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private static readonly VerificationSeal Seal = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly RedisKeys _keys = server.NewKeys();

    private RedisSessionStore Store => new(server.Connection, _keys, Seal);

    [Fact]
    public async Task A_created_session_is_read_back_as_it_was_and_marked_used()
    {
        var session = NewSession("account-1");
        await Store.CreateAsync(session, Retention);

        var before = await Store.GetAsync("account-1", session.Id);
        Store.RecordUse("account-1", session.Id, Now.AddMinutes(5), session.ExpiresAt);
        var after = await Store.GetAsync("account-1", session.Id);

        Assert.NotNull(before);
        Assert.Equal(session.AuthTime, before.AuthTime);
        Assert.Equal(["pwd"], before.Methods);
        Assert.Equal(session.ExpiresAt, before.ExpiresAt);
        Assert.Equal("Firefox on Linux", before.Device);
        Assert.Equal(Now, before.LastUsedAt);
        Assert.Equal(Now.AddMinutes(5), after!.LastUsedAt);
    }

    [Fact]
    public async Task A_verification_counts_in_its_own_session_only()
    {
        var first = NewSession("account-1");
        var second = NewSession("account-1");
        await Store.CreateAsync(first, Retention);
        await Store.CreateAsync(second, Retention);

        Assert.True(await Store.RecordVerificationAsync("account-1", first.Id, "acme", new VerificationRecord(Now, VerificationMethod.EmailOtp), "stamp-hash"));

        var sessions = await Store.ListAsync("account-1");
        Assert.Equal([new VerificationRecord(Now, VerificationMethod.EmailOtp)], sessions.Single(s => s.Id == first.Id).VerificationsFor("acme"));
        Assert.Empty(sessions.Single(s => s.Id == first.Id).VerificationsFor("other-org"));
        Assert.Empty(sessions.Single(s => s.Id == second.Id).VerificationsFor("acme"));
    }

    [Fact]
    public async Task Nothing_is_recorded_in_a_session_that_does_not_exist()
    {
        Assert.False(await Store.RecordVerificationAsync("account-1", "no-such-session", "acme", new VerificationRecord(Now, VerificationMethod.Totp), "stamp-hash"));
        Assert.False(await Store.RecordClientAsync("account-1", "no-such-session", "demo-spa", Now));
        Assert.Empty(await Store.ListAsync("account-1"));
    }

    [Fact]
    public async Task A_session_is_not_found_under_another_account()
    {
        var session = NewSession("account-1");
        await Store.CreateAsync(session, Retention);

        Assert.Null(await Store.GetAsync("account-2", session.Id));
    }

    [Fact]
    public async Task Ending_a_session_removes_it_and_returns_the_apps_it_served()
    {
        var session = NewSession("account-1");
        await Store.CreateAsync(session, Retention);
        await Store.RecordClientAsync("account-1", session.Id, "demo-spa", Now);

        var ended = await Store.EndAsync("account-1", session.Id);

        Assert.Equal(["demo-spa"], ended!.Clients);
        Assert.Null(await Store.GetAsync("account-1", session.Id));
        Assert.Null(await Store.EndAsync("account-1", session.Id));
        Assert.Empty(await Store.ListAsync("account-1"));
    }

    [Fact]
    public async Task Ending_all_others_keeps_the_current_one()
    {
        var current = NewSession("account-1");
        var other = NewSession("account-1");
        await Store.CreateAsync(current, Retention);
        await Store.CreateAsync(other, Retention);

        var ended = await Store.EndAllAsync("account-1", keepSessionId: current.Id);

        Assert.Equal([other.Id], ended.Select(s => s.Id));
        Assert.Equal([current.Id], (await Store.ListAsync("account-1")).Select(s => s.Id));
    }

    [Fact]
    public async Task Forgetting_an_organisation_removes_its_verifications_in_every_session_and_marks_access_ended()
    {
        var first = NewSession("account-1");
        var second = NewSession("account-1");
        await Store.CreateAsync(first, Retention);
        await Store.CreateAsync(second, Retention);
        await Store.RecordVerificationAsync("account-1", first.Id, "acme", new VerificationRecord(Now, VerificationMethod.EmailOtp), "stamp-hash");
        await Store.RecordVerificationAsync("account-1", second.Id, "acme", new VerificationRecord(Now, VerificationMethod.Totp), "stamp-hash");
        await Store.RecordVerificationAsync("account-1", second.Id, "globex", new VerificationRecord(Now, VerificationMethod.Totp), "stamp-hash");

        var after = await Store.ForgetOrganisationAsync("account-1", "acme", accessEndedAt: Now.AddMinutes(1));

        Assert.Equal(2, after.Count);
        Assert.All(after, s => Assert.Empty(s.VerificationsFor("acme")));
        Assert.All(after, s => Assert.True(s.AccessEndedFor("acme", s.AuthTime)));
        Assert.Single(after.Single(s => s.Id == second.Id).VerificationsFor("globex"));
        Assert.False(after[0].AccessEndedFor("globex", after[0].AuthTime));
    }

    [Fact]
    public async Task A_new_sign_in_in_the_session_changes_its_auth_time_and_methods()
    {
        var session = NewSession("account-1");
        await Store.CreateAsync(session, Retention);

        Assert.True(await Store.ReauthenticateAsync("account-1", session.Id, Now.AddHours(1), ["pwd"], "stamp-hash-2"));

        var after = (await Store.GetAsync("account-1", session.Id))!;
        Assert.Equal(Now.AddHours(1), after.AuthTime);
        Assert.Equal("stamp-hash-2", after.CookieStampHash);
    }

    [Fact]
    public async Task Due_expiries_are_handed_out_once()
    {
        Store.ScheduleExpiry("account-1", "session-a", Now);
        Store.ScheduleExpiry("account-1", "session-b", Now.AddHours(1));
        await Store.ListAsync("account-1"); // after the fire-and-forget writes on the same connection

        var due = await Store.TakeDueExpiriesAsync(Now.AddMinutes(1), max: 10);
        var again = await Store.TakeDueExpiriesAsync(Now.AddMinutes(1), max: 10);

        Assert.Equal([("account-1", "session-a")], due);
        Assert.Empty(again);
    }

    private static SignInSession NewSession(string accountId) => new(
        Guid.NewGuid().ToString("N"), accountId, Now, ["pwd"], Now, Now, Now.AddHours(8), "Firefox on Linux", "192.0.2.7",
        [], new Dictionary<string, DateTimeOffset>(), []);

    [Fact]
    public async Task A_verification_written_to_Redis_without_the_server_key_does_not_count()
    {
        var session = NewSession("account-1");
        await Store.CreateAsync(session, Retention);
        await Store.RecordVerificationAsync("account-1", session.Id, "org-1", new VerificationRecord(Now, VerificationMethod.EmailOtp), "stamp-hash");
        var database = server.Connection.GetDatabase();
        var key = _keys.Session("account-1", session.Id);

        // Someone with write access to Redis but not the key: a plain time, a sealed value moved to another org's
        // field, and a value sealed under another server's key.
        var sealedValue = (string)(await database.HashGetAsync(key, "v:org-1:email_otp"))!;
        var otherServer = new VerificationSeal(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await database.HashSetAsync(key, [
            new("v:org-2:email_otp", Now.ToUnixTimeMilliseconds()),
            new("v:org-3:email_otp", sealedValue),
            new("v:org-4:totp", otherServer.Seal("account-1", session.Id, "v:org-4:totp", Now)),
        ]);

        var read = await Store.GetAsync("account-1", session.Id);

        Assert.Equal(["org-1"], read!.Verifications.Select(v => v.OrganisationId));
        Assert.Empty(read.VerificationsFor("org-2"));
        Assert.Empty(read.VerificationsFor("org-3"));
        Assert.Empty(read.VerificationsFor("org-4"));
    }
}
