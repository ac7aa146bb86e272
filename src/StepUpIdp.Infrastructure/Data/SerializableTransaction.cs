using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// Runs a unit of work that enforces a rule (count, then add) in one serializable transaction, and runs it again
/// from the start when the database aborted it because a concurrent transaction won: PostgreSQL answers
/// <c>40001</c> (serialization failure) or <c>40P01</c> (deadlock) and expects exactly that retry
/// (PostgreSQL manual, "Serialization Failure Handling"). SQLite serializes writers itself and never answers so.
/// The work must only read and stage changes through the context; it is handed a clean change tracker each time.
/// </summary>
public static class SerializableTransaction
{
    /// <summary>Every round lets at least one competing transaction commit, so this bounds a burst of this many writers.</summary>
    public const int MaxAttempts = 25;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs <paramref name="work"/>, saves its changes and commits; retried whole on a serialization conflict.</summary>
    public static async Task<T> RunSerializableAsync<T>(this StepUpDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
                var result = await work(cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsSerializationConflict(ex))
            {
                db.ChangeTracker.Clear();
                // Jitter spreads the competitors apart so that the next round does not collide the same way.
                var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, 2 << Math.Min(attempt, 10));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), cancellationToken);
            }
        }
    }

    /// <summary>PostgreSQL's serialization failure or deadlock, wherever in the chain EF Core wrapped it.</summary>
    public static bool IsSerializationConflict(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is DbException { SqlState: "40001" or "40P01" })
            {
                return true;
            }
        }

        return false;
    }
}
