using StackExchange.Redis;

namespace StepUpIdp.Infrastructure.Redis;

/// <summary>How StepUpIdp connects to Redis: notice an outage within about two seconds, and reconnect by itself.</summary>
public static class RedisConnection
{
    // Two seconds: quick enough to answer "temporarily unavailable" instead of hanging, with room for a busy
    // node's scheduling hiccups (one second produced false outages on a loaded 2-core machine).
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Parses a StackExchange.Redis configuration string and fills in our defaults for the settings it
    /// does not name: don't abort when the first connect fails (the server may come later), and time
    /// out quickly so the host can answer "temporarily unavailable" instead of hanging.
    /// </summary>
    public static ConfigurationOptions CreateOptions(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = ConfigurationOptions.Parse(configuration);
        var timeoutMs = (int)DefaultTimeout.TotalMilliseconds;

        if (!Names(configuration, "abortConnect"))
        {
            options.AbortOnConnectFail = false;
        }

        if (!Names(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = timeoutMs;
        }

        if (!Names(configuration, "syncTimeout"))
        {
            options.SyncTimeout = timeoutMs;
        }

        if (!Names(configuration, "asyncTimeout"))
        {
            options.AsyncTimeout = timeoutMs;
        }

        if (!Names(configuration, "keepAlive"))
        {
            options.KeepAlive = 5;
        }

        options.ClientName ??= "stepupidp";
        return options;
    }

    public static IConnectionMultiplexer Connect(string configuration) =>
        ConnectionMultiplexer.Connect(CreateOptions(configuration));

    private static bool Names(string configuration, string setting) =>
        configuration.Contains(setting + "=", StringComparison.OrdinalIgnoreCase);
}
