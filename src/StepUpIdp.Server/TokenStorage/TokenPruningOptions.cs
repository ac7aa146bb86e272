using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Server.TokenStorage;

/// <summary>Bound from the <c>TokenPruning</c> section; validated at start-up (docs/performance.md).</summary>
public sealed class TokenPruningOptions
{
    public const string Section = "TokenPruning";

    /// <summary>Run the background job on this node (it still runs on one node at a time).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the cluster prunes: one node takes the Redis lock for this long.</summary>
    [Range(1, 1440)]
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>How long rows that can no longer be used (expired, revoked) are kept, for investigations.</summary>
    [Range(0, 8760)]
    public int KeepHours { get; set; } = 24;

    /// <summary>Rows deleted per statement, so a large backlog never holds a long lock on the table.</summary>
    [Range(100, 100_000)]
    public int BatchSize { get; set; } = 5000;
}
