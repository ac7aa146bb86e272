namespace StepUpIdp.Infrastructure.Data.Registrations;

/// <summary>
/// Which version of the registrations (apps, their organisations, verified domains, spaces and external-user policies,
/// and OpenIddict's client registrations) this node's caches may serve, and whether they may serve at all
/// (docs/performance.md, "Registrations: cached until they change"). Every change saved through the database context
/// on this node moves it on (<see cref="RegistrationChangeInterceptor"/>) and is announced to the other nodes; an
/// announcement from another node moves it on here (<see cref="Redis.RegistrationChangeChannel"/>). A cache entry is
/// good only for the generation it was read in, so moving on empties every cache at once.
/// Caches are not trusted until the channel listens, and stop being trusted while it cannot hear other nodes.
/// </summary>
public sealed class RegistrationGeneration
{
    private long _value;
    private int _trusted;

    /// <summary>Raised after a change was saved on this node, for the other nodes to hear of it.</summary>
    public event Action? ChangedHere;

    public long Current => Volatile.Read(ref _value);

    public bool Trusted => Volatile.Read(ref _trusted) == 1;

    public void ChangedLocally()
    {
        Interlocked.Increment(ref _value);
        ChangedHere?.Invoke();
    }

    public void ChangedElsewhere() => Interlocked.Increment(ref _value);

    /// <summary>Other nodes' changes can no longer be heard: serve nothing from memory until <see cref="Trust"/>.</summary>
    public void Distrust()
    {
        Volatile.Write(ref _trusted, 0);
        Interlocked.Increment(ref _value);
    }

    /// <summary>Listening again: what was read before is dropped, as changes may have been missed meanwhile.</summary>
    public void Trust()
    {
        Interlocked.Increment(ref _value);
        Volatile.Write(ref _trusted, 1);
    }
}
