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

    /// <summary>Reads <paramref name="value"/> for <paramref name="key"/> through the cache, which keeps it if it may.</summary>
    private static Task ReadAsync(RegistrationCache<string> cache, string key, string value) =>
        cache.GetOrReadAsync(key, _ => Task.FromResult<string?>(value), CancellationToken.None);

    /// <summary>Whether the cache answers <paramref name="key"/> from memory (without reading), and with what.</summary>
    private static async Task<(bool Served, string? Value)> ServedAsync(RegistrationCache<string> cache, string key)
    {
        var read = false;
        var value = await cache.GetOrReadAsync(key, _ =>
        {
            read = true;
            return Task.FromResult<string?>(null);
        }, CancellationToken.None);
        return (!read, value);
    }

    [Fact]
    public async Task Serves_what_was_read_until_a_change_is_saved()
    {
        _generation.Trust();
        var cache = NewCache();
        await ReadAsync(cache, "app", "v1");
        var (served, value) = await ServedAsync(cache, "app");
        Assert.True(served);
        Assert.Equal("v1", value);

        _generation.ChangedElsewhere();

        Assert.False((await ServedAsync(cache, "app")).Served);
    }

    [Fact]
    public async Task A_value_read_while_a_change_was_saved_is_not_kept()
    {
        _generation.Trust();
        var cache = NewCache();
        await cache.GetOrReadAsync("app", _ =>
        {
            _generation.ChangedLocally();
            return Task.FromResult<string?>("old");
        }, CancellationToken.None);

        Assert.False((await ServedAsync(cache, "app")).Served);
    }

    [Fact]
    public async Task Nothing_is_served_before_the_change_channel_listens_or_while_it_cannot_hear()
    {
        var cache = NewCache();
        await ReadAsync(cache, "app", "v1");
        Assert.False((await ServedAsync(cache, "app")).Served);

        _generation.Trust();
        await ReadAsync(cache, "app", "v1");
        Assert.True((await ServedAsync(cache, "app")).Served);

        _generation.Distrust();
        Assert.False((await ServedAsync(cache, "app")).Served);
        _generation.Trust();
        Assert.False((await ServedAsync(cache, "app")).Served);
    }

    [Fact]
    public async Task An_entry_is_read_again_after_the_lifetime_even_when_no_change_was_heard()
    {
        _generation.Trust();
        var cache = NewCache();
        await ReadAsync(cache, "app", "v1");
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True((await ServedAsync(cache, "app")).Served);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await ServedAsync(cache, "app")).Served);
    }

    [Fact]
    public async Task A_lifetime_of_zero_turns_it_off()
    {
        _generation.Trust();
        _options.LifetimeSeconds = 0;
        var cache = NewCache();
        await ReadAsync(cache, "app", "v1");
        Assert.False((await ServedAsync(cache, "app")).Served);
    }

    [Fact]
    public async Task It_holds_at_most_max_entries_and_makes_room_from_stale_ones()
    {
        _generation.Trust();
        var cache = NewCache();
        await ReadAsync(cache, "a", "1");
        await ReadAsync(cache, "b", "2");
        await ReadAsync(cache, "c", "3");
        Assert.False((await ServedAsync(cache, "c")).Served);
        Assert.True((await ServedAsync(cache, "a")).Served);

        _generation.ChangedElsewhere();
        await ReadAsync(cache, "c", "3");
        Assert.True((await ServedAsync(cache, "c")).Served);
    }

    [Fact]
    public async Task What_does_not_exist_is_not_kept()
    {
        _generation.Trust();
        var cache = NewCache();
        Assert.False((await ServedAsync(cache, "unknown")).Served);
        Assert.False((await ServedAsync(cache, "unknown")).Served);
    }
}
