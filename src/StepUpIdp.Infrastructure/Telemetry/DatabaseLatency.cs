using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace StepUpIdp.Infrastructure.Telemetry;

/// <summary>Measures every database command EF Core runs (its own measured duration) into <see cref="IdpMetrics"/>.</summary>
public sealed class DatabaseLatency : DbCommandInterceptor
{
    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        IdpMetrics.DatabaseCommand(eventData.Duration);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        IdpMetrics.DatabaseCommand(eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        IdpMetrics.DatabaseCommand(eventData.Duration);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        IdpMetrics.DatabaseCommand(eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        IdpMetrics.DatabaseCommand(eventData.Duration);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        IdpMetrics.DatabaseCommand(eventData.Duration);
        return ValueTask.FromResult(result);
    }
}
