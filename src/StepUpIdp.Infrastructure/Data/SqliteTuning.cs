using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// SQLite settings for a server that writes on every sign-in and token request:
/// <list type="bullet">
/// <item>write-ahead logging (it stays in the file, and setting it again is a no-op): readers no longer wait for the
/// writer, and a commit appends to the log instead of rewriting pages through a rollback journal;</item>
/// <item><c>synchronous=NORMAL</c> (per connection): with WAL the database cannot be corrupted by a crash; a
/// power loss may lose the last commits before a checkpoint (authorization codes, rotated refresh tokens),
/// which means signing in again. PostgreSQL is the choice where that is not acceptable.</item>
/// <item><c>busy_timeout=30000</c> (per connection): a writer that finds the database locked by another writer is
/// retried by SQLite's own busy handler, which waits a few milliseconds and grows the wait, instead of by
/// Microsoft.Data.Sqlite's retry loop, which sleeps 150 ms per try. Under concurrent sign-ins and token requests
/// that sleep was most of the token endpoint's tail latency (docs/performance.md). 30 s matches the default command
/// timeout: a write still fails, it only fails no sooner.</item>
/// </list>
/// The per-connection settings stay with SQLite's own connection, which Microsoft.Data.Sqlite pools and hands out again
/// on every open: they are set the first time a connection is opened, not on each of the several opens of a request.
/// </summary>
public sealed class SqliteTuning : DbConnectionInterceptor
{
    private static readonly object Tuned = new();
    private readonly ConditionalWeakTable<object, object> _tunedConnections = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        // Microsoft.Data.Sqlite does its I/O synchronously; an async round trip would only add overhead.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        var handle = (connection as SqliteConnection)?.Handle;
        if (handle is not null && _tunedConnections.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
        if (handle is not null)
        {
            _tunedConnections.AddOrUpdate(handle, Tuned);
        }
    }
}
