using StepUpIdp.Server.Hosting;

var commandLine = ServerCommandLine.Parse(args);
if (commandLine.Error is not null)
{
    await Console.Error.WriteLineAsync(commandLine.Error + Environment.NewLine + ServerCommandLine.Usage);
    return 2;
}

var builder = WebApplication.CreateBuilder(commandLine.HostArgs);
builder.AddStepUpIdp();

var app = builder.Build();
if (commandLine.Verb is not null)
{
    return await ServerCommands.RunAsync(app, commandLine);
}

app.UseStepUpIdp();
await app.InitializeStepUpIdpAsync();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
