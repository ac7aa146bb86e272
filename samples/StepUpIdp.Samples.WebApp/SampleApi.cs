namespace StepUpIdp.Samples.WebApp;

/// <summary>An API endpoint that needs an access token with acr otp (or 2sv) from a sign-in in the last 10 minutes.</summary>
public static class SampleApi
{
    public static IEndpointRouteBuilder MapSampleApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/report", (HttpContext http) => TypedResults.Ok(new
            {
                report = "Quarterly numbers",
                sub = http.User.FindFirst("sub")?.Value,
                acr = http.User.FindFirst("acr")?.Value,
            }))
            .RequireAuthorization(SampleAuthentication.ReportApi);
        return routes;
    }
}
