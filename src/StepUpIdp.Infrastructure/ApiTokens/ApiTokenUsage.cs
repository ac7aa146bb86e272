using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.ApiTokens;

/// <summary>
/// Last-used times of API tokens, kept in memory and written to the database in batches, so an exchange
/// never waits on (or contends for) an UPDATE of the token's row. Several nodes each flush their own
/// times; the write keeps the latest, so the order of flushes does not matter. A crash loses at most one
/// flush interval of last-used times, which are informational only.
/// </summary>
public sealed class ApiTokenUsage
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    public void Record(string tokenId, DateTimeOffset at) =>
        _pending.AddOrUpdate(tokenId, at, (_, previous) => at > previous ? at : previous);

    /// <summary>The stored time, or this node's newer one that is not flushed yet.</summary>
    public DateTimeOffset? LastUsed(string tokenId, DateTimeOffset? stored) =>
        _pending.TryGetValue(tokenId, out var pending) && (stored is null || pending > stored) ? pending : stored;

    public async Task<int> FlushAsync(StepUpDbContext db, CancellationToken cancellationToken)
    {
        var flushed = 0;
        foreach (var tokenId in _pending.Keys)
        {
            if (!_pending.TryRemove(tokenId, out var at))
            {
                continue;
            }

            try
            {
                flushed += await db.Set<ApiToken>()
                    .Where(t => t.Id == tokenId && (t.LastUsedAt == null || t.LastUsedAt < at))
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, at), cancellationToken);
            }
            catch
            {
                Record(tokenId, at); // keep it for the next flush
                throw;
            }
        }

        return flushed;
    }
}

/// <summary>Flushes <see cref="ApiTokenUsage"/> every <c>ApiTokens:LastUsedFlushSeconds</c> and at shutdown.</summary>
public sealed partial class ApiTokenUsageFlusher(
    ApiTokenUsage usage,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    TimeSpan interval,
    ILogger<ApiTokenUsageFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await usage.FlushAsync(scope.ServiceProvider.GetRequiredService<StepUpDbContext>(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LastUsedFlushFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Writing API-token last-used times failed; retrying at the next flush.")]
    private static partial void LastUsedFlushFailed(ILogger logger, Exception exception);
}
