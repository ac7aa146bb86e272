using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Redis.Sessions;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class SessionStoreTests(RedisTestServer server)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private readonly RedisSessionStore _store = new(server.Connection, server.NewKeys());

    [Fact]
    public async Task A_created_session_is_read_back_as_it_was_and_marked_used()
    {
        var session = NewSession("account-1");
        await _store.CreateAsync(session, Retention);

        var before = await _store.GetAsync("account-1", session.Id);
        _store.RecordUse("account-1", session.Id, Now.AddMinutes(5), session.ExpiresAt);
        var after = await _store.GetAsync("account-1", session.Id);

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
        await _store.CreateAsync(first, Retention);
        await _store.CreateAsync(second, Retention);

        Assert.True(await _store.RecordVerificationAsync("account-1", first.Id, "acme", new VerificationRecord(Now, VerificationMethod.EmailOtp)));

        var sessions = await _store.ListAsync("account-1");
        Assert.Equal([new VerificationRecord(Now, VerificationMethod.EmailOtp)], sessions.Single(s => s.Id == first.Id).VerificationsFor("acme"));
        Assert.Empty(sessions.Single(s => s.Id == first.Id).VerificationsFor("other-org"));
        Assert.Empty(sessions.Single(s => s.Id == second.Id).VerificationsFor("acme"));
    }

    [Fact]
    public async Task Nothing_is_recorded_in_a_session_that_does_not_exist()
    {
        Assert.False(await _store.RecordVerificationAsync("account-1", "no-such-session", "acme", new VerificationRecord(Now, VerificationMethod.Totp)));
        Assert.False(await _store.RecordClientAsync("account-1", "no-such-session", "demo-spa", Now));
        Assert.Empty(await _store.ListAsync("account-1"));
    }

    [Fact]
    public async Task A_session_is_not_found_under_another_account()
    {
        var session = NewSession("account-1");
        await _store.CreateAsync(session, Retention);

        Assert.Null(await _store.GetAsync("account-2", session.Id));
    }

    [Fact]
    public async Task Ending_a_session_removes_it_and_returns_the_apps_it_served()
    {
        var session = NewSession("account-1");
        await _store.CreateAsync(session, Retention);
        await _store.RecordClientAsync("account-1", session.Id, "demo-spa", Now);

        var ended = await _store.EndAsync("account-1", session.Id);

        Assert.Equal(["demo-spa"], ended!.Clients);
        Assert.Null(await _store.GetAsync("account-1", session.Id));
        Assert.Null(await _store.EndAsync("account-1", session.Id));
        Assert.Empty(await _store.ListAsync("account-1"));
    }

    [Fact]
    public async Task Ending_all_others_keeps_the_current_one()
    {
        var current = NewSession("account-1");
        var other = NewSession("account-1");
        await _store.CreateAsync(current, Retention);
        await _store.CreateAsync(other, Retention);

        var ended = await _store.EndAllAsync("account-1", keepSessionId: current.Id);

        Assert.Equal([other.Id], ended.Select(s => s.Id));
        Assert.Equal([current.Id], (await _store.ListAsync("account-1")).Select(s => s.Id));
    }

    [Fact]
    public async Task Forgetting_an_organisation_removes_its_verifications_in_every_session_and_marks_access_ended()
    {
        var first = NewSession("account-1");
        var second = NewSession("account-1");
        await _store.CreateAsync(first, Retention);
        await _store.CreateAsync(second, Retention);
        await _store.RecordVerificationAsync("account-1", first.Id, "acme", new VerificationRecord(Now, VerificationMethod.EmailOtp));
        await _store.RecordVerificationAsync("account-1", second.Id, "acme", new VerificationRecord(Now, VerificationMethod.Totp));
        await _store.RecordVerificationAsync("account-1", second.Id, "globex", new VerificationRecord(Now, VerificationMethod.Totp));

        var after = await _store.ForgetOrganisationAsync("account-1", "acme", accessEndedAt: Now.AddMinutes(1));

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
        await _store.CreateAsync(session, Retention);

        Assert.True(await _store.ReauthenticateAsync("account-1", session.Id, Now.AddHours(1), ["pwd"]));

        Assert.Equal(Now.AddHours(1), (await _store.GetAsync("account-1", session.Id))!.AuthTime);
    }

    [Fact]
    public async Task Due_expiries_are_handed_out_once()
    {
        _store.ScheduleExpiry("account-1", "session-a", Now);
        _store.ScheduleExpiry("account-1", "session-b", Now.AddHours(1));
        await _store.ListAsync("account-1"); // after the fire-and-forget writes on the same connection

        var due = await _store.TakeDueExpiriesAsync(Now.AddMinutes(1), max: 10);
        var again = await _store.TakeDueExpiriesAsync(Now.AddMinutes(1), max: 10);

        Assert.Equal([("account-1", "session-a")], due);
        Assert.Empty(again);
    }

    private static SignInSession NewSession(string accountId) => new(
        Guid.NewGuid().ToString("N"), accountId, Now, ["pwd"], Now, Now, Now.AddHours(8), "Firefox on Linux", "192.0.2.7",
        [], new Dictionary<string, DateTimeOffset>(), []);
}
