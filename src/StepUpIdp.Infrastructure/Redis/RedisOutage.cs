using System.Diagnostics;
using StackExchange.Redis;
using StepUpIdp.Infrastructure.Telemetry;

namespace StepUpIdp.Infrastructure.Redis;

/// <summary>
/// Turns the ways StackExchange.Redis reports an unreachable server into one exception type. Every store call passes
/// through here, so this is also where their duration is measured (<see cref="IdpMetrics"/>).
/// </summary>
internal static class RedisOutage
{
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await operation().ConfigureAwait(false);
            IdpMetrics.RedisOperation(started, failed: false);
            return result;
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(started, ex);
        }
    }

    // Not a wrapper over the generic overload: that would cost a second delegate and state machine on every store call.
    public static async Task TranslateAsync(Func<Task> operation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await operation().ConfigureAwait(false);
            IdpMetrics.RedisOperation(started, failed: false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(started, ex);
        }
    }

    private static VerificationStoreUnavailableException Unavailable(long started, Exception outage)
    {
        IdpMetrics.RedisOperation(started, failed: true);
        return new VerificationStoreUnavailableException("The verification store (Redis) is unavailable.", outage);
    }

    /// <summary>Whether <paramref name="ex"/> means Redis is unreachable for now (not a bug in a command or script).</summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        // The multiplexer is being replaced or shut down while a request is in flight.
        ObjectDisposedException => true,
        // A server that is starting, failing over or read-only answers with these; retrying later helps.
        RedisServerException server => IsTransientServerError(server.Message),
        _ => false,
    };

    private static bool IsTransientServerError(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal);
}
