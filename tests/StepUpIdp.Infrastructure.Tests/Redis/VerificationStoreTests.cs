using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Redis.Verification;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class VerificationStoreTests(RedisTestServer server)
{
    private static readonly DateTimeOffset VerifiedAt = new(2026, 3, 2, 9, 0, 0, 123, TimeSpan.Zero);

    private readonly RedisVerificationStore _store = new(server.Connection, server.NewKeys());

    [Fact]
    public async Task Account_without_a_verification_has_no_record()
    {
        Assert.Null(await _store.GetAsync("org-1", "account-1"));
    }

    [Fact]
    public async Task Recorded_verification_is_read_back_for_the_same_org_only()
    {
        var record = new VerificationRecord(VerifiedAt, VerificationMethod.Totp);

        await _store.RecordAsync("org-1", "account-1", record, TimeSpan.FromDays(7));

        Assert.Equal(record, await _store.GetAsync("org-1", "account-1"));
        Assert.Null(await _store.GetAsync("org-2", "account-1"));
    }

    [Fact]
    public async Task Newer_verification_replaces_the_older_one()
    {
        await _store.RecordAsync("org-1", "account-1", new VerificationRecord(VerifiedAt, VerificationMethod.EmailOtp), TimeSpan.FromDays(7));
        var newer = new VerificationRecord(VerifiedAt.AddDays(1), VerificationMethod.Totp);

        await _store.RecordAsync("org-1", "account-1", newer, TimeSpan.FromDays(7));

        Assert.Equal(newer, await _store.GetAsync("org-1", "account-1"));
    }

    [Fact]
    public async Task Reset_forgets_the_verification()
    {
        await _store.RecordAsync("org-1", "account-1", new VerificationRecord(VerifiedAt, VerificationMethod.EmailOtp), TimeSpan.FromDays(7));

        await _store.ResetAsync("org-1", "account-1");

        Assert.Null(await _store.GetAsync("org-1", "account-1"));
    }

    [Fact]
    public async Task Many_accounts_are_read_at_once_and_those_without_a_record_are_absent()
    {
        var first = new VerificationRecord(VerifiedAt, VerificationMethod.EmailOtp);
        var third = new VerificationRecord(VerifiedAt.AddHours(1), VerificationMethod.Totp);
        await _store.RecordAsync("org-1", "account-1", first, TimeSpan.FromDays(7));
        await _store.RecordAsync("org-1", "account-3", third, TimeSpan.FromDays(7));

        var records = await _store.GetManyAsync("org-1", ["account-1", "account-2", "account-3"]);

        Assert.Equal(2, records.Count);
        Assert.Equal(first, records["account-1"]);
        Assert.Equal(third, records["account-3"]);
        Assert.Empty(await _store.GetManyAsync("org-1", []));
    }

    [Fact]
    public async Task Ids_containing_separators_do_not_collide()
    {
        var record = new VerificationRecord(VerifiedAt, VerificationMethod.EmailOtp);

        await _store.RecordAsync("org:a", "b", record, TimeSpan.FromDays(7));

        Assert.Null(await _store.GetAsync("org", "a:b"));
        Assert.Equal(record, await _store.GetAsync("org:a", "b"));
    }
}
