using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>An <see cref="IDistributedCache"/> whose entries expire by the given clock, so a test can move time past them.</summary>
internal class ClockedCache(TimeProvider clock) : IDistributedCache
{
    private readonly ConcurrentDictionary<string, (byte[] Value, DateTimeOffset? Expires)> _entries = new();

    public byte[]? Get(string key) =>
        _entries.TryGetValue(key, out var entry) && (entry.Expires is not { } expires || clock.GetUtcNow() < expires) ? entry.Value : null;

    public virtual Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        _entries[key] = (value, options.AbsoluteExpiration ?? clock.GetUtcNow() + options.AbsoluteExpirationRelativeToNow);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => _entries.TryRemove(key, out _);

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A cache whose reads of a key starting with <paramref name="prefix"/> answer only once a second reader has read
/// too (or after a second): two requests that both check before either writes, as under load.
/// </summary>
internal sealed class ReadersMeetCache(TimeProvider clock, string prefix) : ClockedCache(clock)
{
    private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _readers;

    public override async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var value = Get(key);
        if (key.StartsWith(prefix, StringComparison.Ordinal))
        {
            if (Interlocked.Increment(ref _readers) == 2)
            {
                _second.TrySetResult();
            }

            await Task.WhenAny(_second.Task, Task.Delay(TimeSpan.FromSeconds(1), token));
        }

        return value;
    }
}
