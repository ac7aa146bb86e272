using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Infrastructure.Data.Registrations;

namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>What a registration cache may serve: only what was read in the current generation, while trusted, and young.</summary>
public sealed class RegistrationCacheTests
{
    private readonly RegistrationGeneration _generation = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly RegistrationCacheOptions _options = new() { LifetimeSeconds = 60, MaxEntries = 2 };

    private RegistrationCache<string> NewCache() => new(_generation, _options, _clock);

    [Fact]
    public void Serves_what_was_read_until_a_change_is_saved()
    {
        _generation.Trust();
        var cache = NewCache();
        cache.Keep("app", "v1", cache.BeginRead());
        Assert.True(cache.TryGet("app", out var value));
        Assert.Equal("v1", value);

        _generation.ChangedElsewhere();

        Assert.False(cache.TryGet("app", out _));
    }

    [Fact]
    public void A_value_read_while_a_change_was_saved_is_not_kept()
    {
        _generation.Trust();
        var cache = NewCache();
        var read = cache.BeginRead();
        _generation.ChangedLocally();
        cache.Keep("app", "old", read);

        Assert.False(cache.TryGet("app", out _));
    }

    [Fact]
    public void Nothing_is_served_before_the_change_channel_listens_or_while_it_cannot_hear()
    {
        var cache = NewCache();
        cache.Keep("app", "v1", cache.BeginRead());
        Assert.False(cache.TryGet("app", out _));

        _generation.Trust();
        cache.Keep("app", "v1", cache.BeginRead());
        Assert.True(cache.TryGet("app", out _));

        _generation.Distrust();
        Assert.False(cache.TryGet("app", out _));
        _generation.Trust();
        Assert.False(cache.TryGet("app", out _));
    }

    [Fact]
    public void An_entry_is_read_again_after_the_lifetime_even_when_no_change_was_heard()
    {
        _generation.Trust();
        var cache = NewCache();
        cache.Keep("app", "v1", cache.BeginRead());
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.TryGet("app", out _));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cache.TryGet("app", out _));
    }

    [Fact]
    public void A_lifetime_of_zero_turns_it_off()
    {
        _generation.Trust();
        _options.LifetimeSeconds = 0;
        var cache = NewCache();
        cache.Keep("app", "v1", cache.BeginRead());
        Assert.False(cache.TryGet("app", out _));
    }

    [Fact]
    public void It_holds_at_most_max_entries_and_makes_room_from_stale_ones()
    {
        _generation.Trust();
        var cache = NewCache();
        cache.Keep("a", "1", cache.BeginRead());
        cache.Keep("b", "2", cache.BeginRead());
        cache.Keep("c", "3", cache.BeginRead());
        Assert.False(cache.TryGet("c", out _));
        Assert.True(cache.TryGet("a", out _));

        _generation.ChangedElsewhere();
        cache.Keep("c", "3", cache.BeginRead());
        Assert.True(cache.TryGet("c", out _));
    }
}
