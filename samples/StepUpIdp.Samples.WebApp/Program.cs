using StepUpIdp.Samples.WebApp;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSampleAuthentication(builder.Configuration);

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapSamplePages();
app.MapSampleApi();
app.Run();
