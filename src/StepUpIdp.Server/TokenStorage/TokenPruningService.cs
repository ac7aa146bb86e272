using Microsoft.Extensions.Options;

namespace StepUpIdp.Server.TokenStorage;

/// <summary>
/// Every <see cref="TokenPruningOptions.IntervalMinutes"/>, tries to take the cluster's pruning lock and, when it
/// gets it, runs <see cref="TokenPruning"/>. Without Redis there is no lock, so the run is skipped (logged):
/// pruning is housekeeping and can wait for the next interval.
/// </summary>
public sealed partial class TokenPruningService(
    IServiceScopeFactory scopes,
    TokenPruningLock pruningLock,
    IOptions<TokenPruningOptions> options,
    TimeProvider clock,
    ILogger<TokenPruningService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.IntervalMinutes);
        // The first run comes soon after start, so a node that restarts often still prunes.
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), clock, stoppingToken);
            await RunOnceAsync(stoppingToken);
            using var timer = new PeriodicTimer(interval, clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One turn: null when another node holds the lock or Redis is unreachable, else what was deleted.</summary>
    public async Task<PruneCounts?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var hold = TimeSpan.FromMinutes(settings.IntervalMinutes);
        try
        {
            if (!await pruningLock.TryTakeAsync(hold))
            {
                return null;
            }

            await using var scope = scopes.CreateAsyncScope();
            var started = clock.GetTimestamp();
            var counts = await scope.ServiceProvider.GetRequiredService<TokenPruning>().PruneAsync(
                TimeSpan.FromHours(settings.KeepHours), settings.BatchSize, async _ => await pruningLock.ExtendAsync(hold), cancellationToken);
            Pruned(logger, counts.Tokens, counts.Authorizations, (long)clock.GetElapsedTime(started).TotalMilliseconds);
            return counts;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            SkippedWithoutLock(logger, ex);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PruneFailed(logger, ex);
            return null;
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Token pruning deleted {Tokens} tokens and {Authorizations} authorizations in {Milliseconds} ms.")]
    private static partial void Pruned(ILogger logger, int tokens, int authorizations, long milliseconds);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Token pruning skipped: the Redis lock could not be taken.")]
    private static partial void SkippedWithoutLock(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Error, Message = "Token pruning failed; it runs again at the next interval.")]
    private static partial void PruneFailed(ILogger logger, Exception exception);
}
