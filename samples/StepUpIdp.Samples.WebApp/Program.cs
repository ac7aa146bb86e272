using StepUpIdp.RelyingParty;
using StepUpIdp.Samples.WebApp;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSampleAuthentication(builder.Configuration, builder.Environment);
builder.Services.AddAntiforgery(o => o.Cookie.Name = "sample.antiforgery");

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapSamplePages();
app.MapSampleApi();
// The IdP posts logout tokens here when a sign-in session ends (registered as demo-spa's back-channel logout URI).
app.MapStepUpIdpBackChannelLogout("/backchannel-logout");
app.Run();
