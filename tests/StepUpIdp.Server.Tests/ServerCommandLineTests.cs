using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Tests;

public sealed class ServerCommandLineTests
{
    [Fact]
    public void No_verb_runs_the_server_with_every_argument_as_configuration()
    {
        var line = ServerCommandLine.Parse(["--urls", "http://127.0.0.1:5001", "Idp:Issuer=https://idp.example"]);
        Assert.Null(line.Verb);
        Assert.Null(line.Error);
        Assert.Equal(["--urls", "http://127.0.0.1:5001", "Idp:Issuer=https://idp.example"], line.HostArgs);
    }

    [Fact]
    public void A_verb_takes_its_own_options_and_leaves_configuration_to_the_host()
    {
        var line = ServerCommandLine.Parse(["bootstrap", "--org", "acme", "--name", "Acme Ltd", "--admin-email", "a@acme.example", "--Database:Provider=Postgres"]);
        Assert.Equal(ServerCommandLine.Bootstrap, line.Verb);
        Assert.Equal("acme", line.Options["org"]);
        Assert.Equal("Acme Ltd", line.Options["name"]);
        Assert.Equal("a@acme.example", line.Options["admin-email"]);
        Assert.Equal(["--Database:Provider=Postgres"], line.HostArgs);
    }

    [Theory]
    [InlineData("migrat")]
    [InlineData("bootstrap", "--org")]
    public void Unknown_verbs_and_options_without_values_are_errors(params string[] args) =>
        Assert.NotNull(ServerCommandLine.Parse(args).Error);
}
