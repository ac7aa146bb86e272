using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A test that starts and restarts a PostgreSQL server of its own (<see cref="PrivatePostgres"/>), from the binaries in
/// <c>STEPUPIDP_TEST_PG_BIN</c> (e.g. <c>/usr/lib/postgresql/15/bin</c>; CI sets it and fails on a skip).
/// </summary>
public sealed class PrivatePostgresFactAttribute() : ServerFactAttribute(
    $"Set {PrivatePostgres.BinVariable} to PostgreSQL's bin folder (initdb, pg_ctl), e.g. /usr/lib/postgresql/15/bin, to restart a database under load.",
    PrivatePostgres.BinVariable);
