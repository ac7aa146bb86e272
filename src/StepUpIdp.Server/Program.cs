using StepUpIdp.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddStepUpIdp();

var app = builder.Build();
app.UseStepUpIdp();
await app.InitializeStepUpIdpAsync();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
