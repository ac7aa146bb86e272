using StackExchange.Redis;

namespace StepUpIdp.Infrastructure.Redis;

/// <summary>Turns the ways StackExchange.Redis reports an unreachable server into one exception type.</summary>
internal static class RedisOutage
{
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw new VerificationStoreUnavailableException("The verification store (Redis) is unavailable.", ex);
        }
    }

    public static Task TranslateAsync(Func<Task> operation) =>
        TranslateAsync(async () =>
        {
            await operation().ConfigureAwait(false);
            return true;
        });

    private static bool IsOutage(Exception ex) => ex switch
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
