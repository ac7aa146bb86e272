using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Server.Oidc;

/// <summary>Bound from the <c>ClientSecretCache</c> section; validated at start-up (docs/performance.md).</summary>
public sealed class ClientSecretCacheOptions
{
    public const string Section = "ClientSecretCache";

    /// <summary>Most verified (client, secret) pairs remembered per node; 0 turns the cache off.</summary>
    [Range(0, 100_000)]
    public int MaxEntries { get; set; } = 1024;

    /// <summary>How long a verified secret is remembered before it is checked in full again.</summary>
    [Range(1, 1440)]
    public int LifetimeMinutes { get; set; } = 10;
}
