using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Remembers, for a short while, that a client presented its right secret, so that a busy API does not pay a
/// PBKDF2 derivation (tens of milliseconds of CPU by design) on every token request.
/// <list type="bullet">
/// <item>Nothing secret is kept: an entry is found by HMAC-SHA256(per-process random key, client id, presented
/// secret) and holds a SHA-256 of the stored secret hash it was checked against. Neither can be turned back
/// into the secret, and the key dies with the process.</item>
/// <item>A changed secret (a new stored hash, on any node) no longer matches the remembered hash, so the
/// next request is checked in full; <see cref="Forget"/> also drops the client's entries at once.</item>
/// <item>Only successes are remembered: a wrong secret always costs the full derivation, which is what
/// slows down guessing.</item>
/// <item>Bounded in size and in age; when full, nothing new is remembered until entries expire.</item>
/// </list>
/// </summary>
public sealed class VerifiedClientSecrets
{
    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly byte[] _hmacKey = RandomNumberGenerator.GetBytes(32);
    private readonly ClientSecretCacheOptions _options;
    private readonly TimeProvider _clock;

    public VerifiedClientSecrets(IOptions<ClientSecretCacheOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
    }

    public int Count => _entries.Count;

    /// <summary>True when this secret was verified for this client against this very stored hash, recently.</summary>
    public bool IsKnown(string clientId, string presentedSecret, string storedHash)
    {
        if (_options.MaxEntries == 0 || !_entries.TryGetValue(KeyOf(clientId, presentedSecret), out var entry))
        {
            return false;
        }

        if (entry.ExpiresAt <= _clock.GetUtcNow())
        {
            _entries.TryRemove(new KeyValuePair<Key, Entry>(KeyOf(clientId, presentedSecret), entry));
            return false;
        }

        Span<byte> current = stackalloc byte[SHA256.HashSizeInBytes];
        DigestOf(storedHash, current);
        return CryptographicOperations.FixedTimeEquals(current, entry.StoredHashDigest);
    }

    /// <summary>Remembers a secret that has just passed the full check against <paramref name="storedHash"/>.</summary>
    public void Remember(string clientId, string presentedSecret, string storedHash)
    {
        if (_options.MaxEntries == 0)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        if (_entries.Count >= _options.MaxEntries)
        {
            RemoveExpired(now);
            if (_entries.Count >= _options.MaxEntries)
            {
                return;
            }
        }

        var digest = new byte[SHA256.HashSizeInBytes];
        DigestOf(storedHash, digest);
        _entries[KeyOf(clientId, presentedSecret)] = new Entry(clientId, digest, now + TimeSpan.FromMinutes(_options.LifetimeMinutes));
    }

    /// <summary>Drops every entry of a client: its secret or registration changed on this node.</summary>
    public void Forget(string? clientId)
    {
        foreach (var (key, entry) in _entries)
        {
            if (clientId is null || string.Equals(entry.ClientId, clientId, StringComparison.Ordinal))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private Key KeyOf(string clientId, string presentedSecret)
    {
        // Length-prefixed, so (client "a:b", secret "c") and (client "a", secret "b:c") never share a key.
        var input = Encoding.UTF8.GetBytes($"{clientId.Length}:{clientId}:{presentedSecret}");
        try
        {
            var mac = HMACSHA256.HashData(_hmacKey, input);
            return new Key(BitConverter.ToUInt64(mac, 0), BitConverter.ToUInt64(mac, 8), BitConverter.ToUInt64(mac, 16), BitConverter.ToUInt64(mac, 24));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private static void DigestOf(string storedHash, Span<byte> destination) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(storedHash), destination);

    private readonly record struct Key(ulong A, ulong B, ulong C, ulong D);

    private sealed record Entry(string ClientId, byte[] StoredHashDigest, DateTimeOffset ExpiresAt);
}
