using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Server.Oidc;

namespace StepUpIdp.Server.Tests.TokenStorage;

/// <summary>The memory of verified client secrets: only the right secret, only against the same stored hash, bounded, short-lived.</summary>
public sealed class VerifiedClientSecretsTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private VerifiedClientSecrets Create(int maxEntries = 1024, int lifetimeMinutes = 10) =>
        new(Options.Create(new ClientSecretCacheOptions { MaxEntries = maxEntries, LifetimeMinutes = lifetimeMinutes }), _clock);

    [Fact]
    public void A_remembered_secret_is_known_only_for_its_client_and_its_stored_hash()
    {
        var secrets = Create();
        secrets.Remember("api", "s3cret", "hash-1");

        Assert.True(secrets.IsKnown("api", "s3cret", "hash-1"));
        Assert.False(secrets.IsKnown("api", "s3cret!", "hash-1"));
        Assert.False(secrets.IsKnown("other-api", "s3cret", "hash-1"));
        Assert.False(secrets.IsKnown("api", "s3cret", "hash-2"));
    }

    [Fact]
    public void Client_and_secret_boundaries_cannot_be_shifted_to_match_another_pair()
    {
        var secrets = Create();
        secrets.Remember("a:b", "c", "hash");

        Assert.False(secrets.IsKnown("a", "b:c", "hash"));
    }

    [Fact]
    public void Entries_expire_and_forgetting_a_client_drops_its_entries()
    {
        var secrets = Create(lifetimeMinutes: 10);
        secrets.Remember("api", "s3cret", "hash");
        secrets.Remember("other", "s3cret", "hash");

        secrets.Forget("api");
        Assert.False(secrets.IsKnown("api", "s3cret", "hash"));
        Assert.True(secrets.IsKnown("other", "s3cret", "hash"));

        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False(secrets.IsKnown("other", "s3cret", "hash"));
    }

    [Fact]
    public void The_memory_never_holds_more_than_its_bound_and_zero_turns_it_off()
    {
        var secrets = Create(maxEntries: 2);
        secrets.Remember("a", "1", "hash");
        secrets.Remember("b", "2", "hash");
        secrets.Remember("c", "3", "hash");

        Assert.Equal(2, secrets.Count);
        Assert.False(secrets.IsKnown("c", "3", "hash"));

        var off = Create(maxEntries: 0);
        off.Remember("a", "1", "hash");
        Assert.False(off.IsKnown("a", "1", "hash"));
    }
}
