using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// Runs a unit of work that enforces a rule (read, decide, write) in one serializable transaction, and runs it again
/// from the start when the database aborted it because a concurrent transaction won: PostgreSQL answers
/// <c>40001</c> (serialization failure) or <c>40P01</c> (deadlock) and expects exactly that retry
/// (PostgreSQL manual, "Serialization Failure Handling"). The same manual advises retrying <c>23505</c> (unique
/// violation) too: a check that found no row, and a concurrent transaction that inserted one since, end that way
/// when the check did not read through the unique index (a small table is scanned whole). The retry reads the row
/// and answers the rule's outcome. SQLite serializes writers itself and never answers so.
/// The retries go through EF Core's execution strategy (<see cref="SerializationConflictRetry"/>); docs/operations.md,
/// "Concurrent changes", says what callers see.
/// </summary>
/// <remarks>
/// The work must do its reads inside (a decision taken on a read made before would not be checked), only read and
/// stage changes through the context, and leave side effects outside the database (emails, Redis, session ends) to
/// the caller after this returns: it may run several times, and each time it is handed a clean change tracker, so
/// anything staged before the call (an audit line) is lost on a retry.
/// </remarks>
public static class SerializableTransaction
{
    /// <summary>Every round lets at least one competing transaction commit, so this bounds a burst of this many writers.</summary>
    public const int MaxAttempts = 25;

    /// <summary>Runs <paramref name="work"/>, saves its changes and commits; retried whole on a serialization conflict.</summary>
    public static Task<T> RunSerializableAsync<T>(this StepUpDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        return new SerializationConflictRetry(db).ExecuteAsync<Func<CancellationToken, Task<T>>, T>(work, static async (context, body, ct) =>
        {
            await using var transaction = await context.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
            var result = await body(ct);
            await context.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, verifySucceeded: null, cancellationToken);
    }

    /// <summary>
    /// PostgreSQL's serialization failure, deadlock or unique violation, wherever in the chain EF Core (or OpenIddict)
    /// wrapped it. A unique violation that is no race (the work inserts a key it never checked) fails again on every
    /// attempt, so it still ends as an error after <see cref="MaxAttempts"/>.
    /// </summary>
    public static bool IsSerializationConflict(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is DbException { SqlState: "40001" or "40P01" or "23505" })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// EF Core's retrying execution strategy, narrowed to serialization conflicts (a lost connection is not retried: a
    /// commit whose answer was lost may have happened) and with short jittered pauses instead of the default seconds,
    /// because the competitor it lost to has usually committed already.
    /// </summary>
    private sealed class SerializationConflictRetry(StepUpDbContext db)
        : ExecutionStrategy(db, MaxAttempts - 1, MaxBackoff)
    {
        private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(100);

        protected override bool ShouldRetryOn(Exception exception) => IsSerializationConflict(exception);

        protected override TimeSpan? GetNextDelay(Exception lastException)
        {
            var retry = ExceptionsEncountered.Count;
            if (retry > MaxRetryCount)
            {
                return null;
            }

            // Jitter spreads the competitors apart so that the next round does not collide the same way.
            var ceiling = Math.Min(MaxRetryDelay.TotalMilliseconds, 2 << Math.Min(retry, 10));
            return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        }

        protected override void OnRetry() => db.ChangeTracker.Clear();
    }
}
