using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace StepUpIdp.Infrastructure.Data.Registrations;

/// <summary>
/// Registrations read on every authorize and token request, kept in memory for the <see cref="RegistrationGeneration"/>
/// they were read in and at most <see cref="RegistrationCacheOptions.LifetimeSeconds"/> (docs/performance.md). Only what
/// exists is kept: an unknown client id is read from the database every time, so a flood of them fills nothing.
/// A change saved while a value is being read moves the generation on, and the value read before it is then not kept.
/// </summary>
public sealed class RegistrationCache<TValue>(RegistrationGeneration generation, RegistrationCacheOptions options, TimeProvider clock)
    where TValue : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The value for <paramref name="key"/>: from memory when it may be served, else from <paramref name="read"/> (kept when not null).</summary>
    public async Task<TValue?> GetOrReadAsync(string key, Func<CancellationToken, Task<TValue?>> read, CancellationToken cancellationToken)
    {
        if (TryGet(key, out var known))
        {
            return known;
        }

        // Noted before the read: a change saved during it leaves the generation elsewhere, and the value is not kept.
        var readGeneration = generation.Current;
        var readAt = clock.GetTimestamp();
        var mayKeep = generation.Trusted && options.LifetimeSeconds > 0;
        var value = await read(cancellationToken).ConfigureAwait(false);
        if (value is not null && mayKeep)
        {
            Keep(key, new Entry(value, readGeneration, readAt));
        }

        return value;
    }

    private bool TryGet(string key, [NotNullWhen(true)] out TValue? value)
    {
        value = null;
        if (!generation.Trusted || !_entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        if (IsStale(entry, generation.Current, clock.GetTimestamp()))
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            return false;
        }

        value = entry.Value;
        return true;
    }

    private void Keep(string key, Entry entry)
    {
        if (entry.Generation != generation.Current || !generation.Trusted)
        {
            return;
        }

        if (_entries.Count >= options.MaxEntries && !_entries.ContainsKey(key))
        {
            DropStale();
            if (_entries.Count >= options.MaxEntries)
            {
                return;
            }
        }

        _entries[key] = entry;
    }

    private bool IsStale(Entry entry, long currentGeneration, long now) =>
        entry.Generation != currentGeneration || now - entry.ReadAt > options.LifetimeSeconds * clock.TimestampFrequency;

    private void DropStale()
    {
        var current = generation.Current;
        var now = clock.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (IsStale(entry, current, now))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    private sealed record Entry(TValue Value, long Generation, long ReadAt);
}
