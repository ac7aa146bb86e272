using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Audit;

/// <summary>
/// Group commit of audit lines (docs/performance.md, "Audit lines: one commit for many requests"). Every caller waits
/// until its own line is committed, as with a save of its own, so nothing is answered before its audit line is
/// durable; but lines that arrive while a commit is under way go together in the next one. Under load (API-token
/// exchanges, passcode sign-ins) that turns one write transaction per request into one per batch, so requests no
/// longer queue for SQLite's single writer or pay a commit each on PostgreSQL. With no concurrency a batch is one line.
/// </summary>
/// <remarks>
/// No thread of its own: the first caller to find no commit running becomes the committer and takes everything
/// queued, its own line included; the others find theirs done when they get their turn. A failed batch is retried
/// line by line, so one bad line cannot fail the others; when the database is away every line fails at once.
/// </remarks>
public sealed class AuditGroupCommit(IServiceScopeFactory scopes)
{
    // Bounds one transaction; whatever is left waits for the next commit, which starts at once.
    private const int MaxBatch = 500;

    private readonly SemaphoreSlim _committing = new(1, 1);
    private readonly Lock _queueLock = new();
    private readonly Queue<Pending> _queue = new();

    private sealed class Pending(AuditEvent line, DateTimeOffset at)
    {
        // The entity is made anew for each save (AuditEntry.Of): a failed save may leave state behind on one it tracked.
        public AuditEntry Entry() => AuditEntry.Of(line, at);

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Lines queued and not yet taken into a commit.</summary>
    internal int Queued
    {
        get
        {
            lock (_queueLock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Commits <paramref name="line"/> as of <paramref name="at"/>, alone or with others; returns once it is stored, throws if it is not.</summary>
    public async Task WriteAsync(AuditEvent line, DateTimeOffset at, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var mine = new Pending(line, at);
        lock (_queueLock)
        {
            _queue.Enqueue(mine);
        }

        // Not cancellable once queued: the line may already be in another caller's batch, and a commit under way
        // carries other requests' lines too. A commit is bounded by the database's command timeout.
        while (!mine.Committed.Task.IsCompleted)
        {
            await _committing.WaitAsync(CancellationToken.None);
            try
            {
                if (!mine.Committed.Task.IsCompleted)
                {
                    await CommitAsync(Dequeue());
                }
            }
            finally
            {
                _committing.Release();
            }
        }

        await mine.Committed.Task;
    }

    private List<Pending> Dequeue()
    {
        lock (_queueLock)
        {
            var batch = new List<Pending>(Math.Min(_queue.Count, MaxBatch));
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            return batch;
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            await SaveAsync(batch);
            batch.ForEach(p => p.Committed.TrySetResult());
        }
        catch (Exception ex) when (batch.Count == 1 || DatabaseOutage.IsOutage(ex))
        {
            batch.ForEach(p => p.Committed.TrySetException(ex));
        }
        catch (Exception)
        {
            foreach (var pending in batch)
            {
                try
                {
                    await SaveAsync([pending]);
                    pending.Committed.TrySetResult();
                }
                catch (Exception ex)
                {
                    pending.Committed.TrySetException(ex);
                }
            }
        }
    }

    private async Task SaveAsync(IEnumerable<Pending> lines)
    {
        // A context of its own: the lines are other requests' too, and must not ride on any caller's pending changes.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        db.AuditEntries.AddRange(lines.Select(p => p.Entry()));
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
