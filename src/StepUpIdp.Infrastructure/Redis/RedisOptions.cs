namespace StepUpIdp.Infrastructure.Redis;

/// <summary>Bound from the <c>Redis</c> configuration section.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string; empty starts the embedded RESP server.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prepended to every key so several deployments (or tests) can share one server.</summary>
    public string KeyPrefix { get; set; } = "stepupidp:";
}
