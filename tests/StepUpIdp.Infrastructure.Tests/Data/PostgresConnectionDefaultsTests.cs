using Npgsql;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Tests.Data;

public sealed class PostgresConnectionDefaultsTests
{
    [Fact]
    public void Statements_are_prepared_automatically_connections_are_not_reset_and_the_rest_of_the_string_is_kept()
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgresConnectionDefaults.Apply("Host=db.internal;Port=6432;Username=idp;Password='s3cr;et';Database=stepupidp"));

        Assert.Equal(PostgresConnectionDefaults.MaxAutoPrepare, applied.MaxAutoPrepare);
        Assert.Equal(PostgresConnectionDefaults.AutoPrepareMinUsages, applied.AutoPrepareMinUsages);
        Assert.True(applied.NoResetOnClose);
        Assert.Equal(("db.internal", 6432, "idp", "s3cr;et", "stepupidp"), (applied.Host, applied.Port, applied.Username, applied.Password, applied.Database));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0, PostgresConnectionDefaults.AutoPrepareMinUsages, true)]
    [InlineData("Host=db;MaxAutoPrepare=10;Auto Prepare Min Usages=5;No Reset On Close=false", 10, 5, false)]
    [InlineData("Host=db;max auto prepare=20;noresetonclose=false", 20, PostgresConnectionDefaults.AutoPrepareMinUsages, false)]
    public void The_operators_own_values_win(string connectionString, int maxAutoPrepare, int minUsages, bool noReset)
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgresConnectionDefaults.Apply(connectionString));

        Assert.Equal(maxAutoPrepare, applied.MaxAutoPrepare);
        Assert.Equal(minUsages, applied.AutoPrepareMinUsages);
        Assert.Equal(noReset, applied.NoResetOnClose);
    }
}
