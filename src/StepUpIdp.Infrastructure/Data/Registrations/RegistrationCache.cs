using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace StepUpIdp.Infrastructure.Data.Registrations;

/// <summary>
/// Registrations read on every authorize and token request, kept in memory for the <see cref="RegistrationGeneration"/>
/// they were read in and at most <see cref="RegistrationCacheOptions.LifetimeSeconds"/> (docs/performance.md). Only what
/// exists is kept: an unknown client id is read from the database every time, so a flood of them fills nothing.
/// The caller reads like this: <see cref="TryGet"/>; on a miss <see cref="BeginRead"/>, read the database, <see cref="Keep"/>.
/// A change saved between <see cref="BeginRead"/> and <see cref="Keep"/> moves the generation on, and the value read
/// before it is then not kept.
/// </summary>
public sealed class RegistrationCache<TValue>(RegistrationGeneration generation, RegistrationCacheOptions options, TimeProvider clock)
    where TValue : class
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string key, [NotNullWhen(true)] out TValue? value)
    {
        value = null;
        if (!generation.Trusted || !_entries.TryGetValue(key, out var entry))
        {
            return false;
        }

        if (entry.Generation != generation.Current || clock.GetTimestamp() - entry.ReadAt > LifetimeTicks)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            return false;
        }

        value = entry.Value;
        return true;
    }

    /// <summary>The moment a database read starts, to hand to <see cref="Keep"/>.</summary>
    public ReadTicket BeginRead() => new(generation.Trusted && options.LifetimeSeconds > 0, generation.Current, clock.GetTimestamp());

    public void Keep(string key, TValue value, ReadTicket read)
    {
        if (!read.MayKeep || read.Generation != generation.Current || !generation.Trusted)
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

        _entries[key] = new Entry(value, read.Generation, read.StartedAt);
    }

    private long LifetimeTicks => options.LifetimeSeconds * clock.TimestampFrequency;

    private void DropStale()
    {
        var current = generation.Current;
        var now = clock.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Generation != current || now - entry.ReadAt > LifetimeTicks)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    public readonly record struct ReadTicket(bool MayKeep, long Generation, long StartedAt);

    private sealed record Entry(TValue Value, long Generation, long ReadAt);
}
