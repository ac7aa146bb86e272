namespace StepUpIdp.Infrastructure.Tests.Data;

/// <summary>A test that needs a real PostgreSQL server, named by <c>STEPUPIDP_TEST_POSTGRES</c> (CI starts one).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string ServerVariable = "STEPUPIDP_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ServerVariable)))
        {
            Skip = $"Set {ServerVariable} (an Npgsql connection string without a database) to run against PostgreSQL.";
        }
    }
}
