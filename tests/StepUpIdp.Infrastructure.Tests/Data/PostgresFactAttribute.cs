using StepUpIdp.Testing;

namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>A test that needs a real PostgreSQL server, named by <c>STEPUPIDP_TEST_POSTGRES</c> (CI starts one).</summary>
public sealed class PostgresFactAttribute() : ServerFactAttribute(
    $"Set {ServerVariable} (an Npgsql connection string without a database) to run against PostgreSQL.", ServerVariable)
{
    public const string ServerVariable = "STEPUPIDP_TEST_POSTGRES";
}
