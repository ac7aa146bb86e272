using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Tests.Operations;

/// <summary>
/// Which failures count as the database being away, answered 503 "temporarily unavailable" rather than 500
/// (<see cref="DatabaseOutageAnswers"/>). The answers themselves, under a real PostgreSQL restart: DatabaseRestartTests.
/// </summary>
public sealed class DatabaseOutageTests
{
    public static TheoryData<string, Exception> Outages => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) },
        { "server shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") },
        { "server starting up", new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03") },
        { "too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300") },
        { "wrapped by EF Core", new DbUpdateException("saving failed", new NpgsqlException("Exception while reading from stream", new IOException())) },
        { "wrapped by the execution strategy", new InvalidOperationException("transient failure", new NpgsqlException("Failed to connect")) },
    };

    public static TheoryData<string, Exception> Faults => new()
    {
        { "a unique key", new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505") },
        { "a syntax error", new PostgresException("syntax error", "ERROR", "ERROR", "42601") },
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void A_database_that_cannot_be_reached_is_answered_503(string what, Exception exception)
    {
        Assert.True(DatabaseOutage.IsOutage(exception), what);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, DatabaseOutageAnswers.StatusCode(exception));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void Other_failures_stay_internal_errors(string what, Exception exception)
    {
        Assert.False(DatabaseOutage.IsOutage(exception), what);
        Assert.Null(DatabaseOutageAnswers.StatusCode(exception));
    }
}
