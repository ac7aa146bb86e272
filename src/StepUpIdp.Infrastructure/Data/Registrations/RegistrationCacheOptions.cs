using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Infrastructure.Data.Registrations;

/// <summary>Bound from the <c>RegistrationCache</c> section; validated at start-up (docs/performance.md).</summary>
public sealed class RegistrationCacheOptions
{
    public const string Section = "RegistrationCache";

    /// <summary>
    /// Longest time a registration read from the database is served from memory, even if no change was heard of:
    /// the bound on staleness for a change made outside the IdP (SQL by hand). 0 turns the caches off.
    /// </summary>
    [Range(0, 3600)]
    public int LifetimeSeconds { get; set; } = 60;

    /// <summary>Most registrations kept per cache and node.</summary>
    [Range(1, 1_000_000)]
    public int MaxEntries { get; set; } = 10_000;
}
