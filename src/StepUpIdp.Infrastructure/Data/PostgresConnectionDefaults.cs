using System.Data.Common;
using Npgsql;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// Settings the IdP gives a PostgreSQL connection string unless the operator set them (docs/performance.md,
/// "Database"): Npgsql's automatic preparation, so PostgreSQL parses and plans each of the few statements the token
/// endpoint runs once per connection instead of on every execution; and no session reset when a connection goes back
/// to the pool, since the IdP sets no session state (no <c>SET</c>, temporary tables, <c>LISTEN</c> or advisory
/// locks) that a reset would clear. Npgsql still rolls back a transaction left open.
/// </summary>
public static class PostgresConnectionDefaults
{
    /// <summary>Statements kept prepared per physical connection: the token endpoint and sign-in use a few dozen.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>A statement is prepared on its second use on a connection.</summary>
    public const int AutoPrepareMinUsages = 2;

    /// <summary>What <see cref="Apply"/> adds, by the builder's property names (also keywords Npgsql accepts).</summary>
    private static readonly (string Keyword, object Value)[] Defaults =
    [
        (nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare), MaxAutoPrepare),
        (nameof(NpgsqlConnectionStringBuilder.AutoPrepareMinUsages), AutoPrepareMinUsages),
        (nameof(NpgsqlConnectionStringBuilder.NoResetOnClose), true),
    ];

    public static string Apply(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // An operator's own value wins, 0 and false included (docs/operations.md, "PostgreSQL").
        // Npgsql's builder answers ContainsKey for every keyword it knows, so look at the keys as written.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyword, value) in Defaults.Where(setting => !written.Contains(setting.Keyword)))
        {
            builder[keyword] = value;
        }

        return builder.ConnectionString;
    }
}
