using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace StepUpIdp.Samples.WebApp;

/// <summary>Plain HTML pages: who is signed in with which claims, and pages behind step-up policies.</summary>
public static class SamplePages
{
    private static readonly string[] ShownClaims = ["sub", "name", "email", "org", "user_type", "role", "acr", "amr", "auth_time", "verified_at", "reverify_at"];

    public static IEndpointRouteBuilder MapSamplePages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (Func<HttpContext, IHostEnvironment, Task<IResult>>)Home).RequireAuthorization();
        routes.MapGet("/otp", (HttpContext http) => Page(http, "Needs acr otp", "You reached a page that needs urn:stepupidp:acr:otp or stronger."))
            .RequireAuthorization(SampleAuthentication.OtpPages);
        routes.MapGet("/2sv", (HttpContext http) => Page(http, "Needs acr 2sv", "You reached a page that needs an authenticator app (urn:stepupidp:acr:2sv)."))
            .RequireAuthorization(SampleAuthentication.TwoStepPages);
        routes.MapGet("/recent", (HttpContext http) => Page(http, "Needs a recent sign-in", "You signed in less than 2 minutes ago."))
            .RequireAuthorization(SampleAuthentication.RecentPages);
        routes.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            // Another site must not be able to sign the person out with a form of its own.
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            // Ends this app's session only; the IdP's SSO session stays.
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Content("<!doctype html><title>Signed out</title><p>Signed out of the sample. <a href=\"/\">Sign in again</a></p>", "text/html");
        });
        return routes;
    }

    private static async Task<IResult> Home(HttpContext http, IHostEnvironment environment)
    {
        var body = new StringBuilder()
            .Append("<p>Try <a href=\"/otp\">a page that needs otp</a>, <a href=\"/2sv\">one that needs 2sv</a>, ")
            .Append("<a href=\"/recent\">one that needs a sign-in in the last 2 minutes</a>.</p>");

        // A bearer token in a page is a demo aid: whoever sees the page can call the API as the person.
        // Real apps call their APIs from the server and never render the token.
        if (environment.IsDevelopment())
        {
            var accessToken = await http.GetTokenAsync("access_token");
            body.Append("<p>The API needs otp and a sign-in in the last 10 minutes; call it with this page's access token:</p><pre>curl -i -H \"Authorization: Bearer ")
                .Append(WebUtility.HtmlEncode(accessToken ?? "(none)"))
                .Append("\" ").Append(WebUtility.HtmlEncode($"{http.Request.Scheme}://{http.Request.Host}/api/report")).Append("</pre>");
        }

        return Page(http, "Signed in", body.ToString(), raw: true);
    }

    private static IResult Page(HttpContext http, string title, string body, bool raw = false)
    {
        var html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title)).Append(" - StepUpIdp sample</title></head><body><h1>")
            .Append(WebUtility.HtmlEncode(title)).Append("</h1>")
            .Append(raw ? body : "<p>" + WebUtility.HtmlEncode(body) + "</p>")
            .Append("<table><caption>Your token's claims</caption>");
        foreach (var type in ShownClaims)
        {
            var values = http.User.FindAll(type).Select(c => c.Value).ToList();
            if (values.Count > 0)
            {
                html.Append("<tr><th scope=\"row\">").Append(type).Append("</th><td>")
                    .Append(WebUtility.HtmlEncode(string.Join(" ", values))).Append("</td></tr>");
            }
        }

        // The pages show claims (and in Development a token): keep them out of caches and out of other sites' frames.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        html.Append("</table><p><a href=\"/\">Home</a></p><form method=\"post\" action=\"/signout\"><input type=\"hidden\" name=\"")
            .Append(WebUtility.HtmlEncode(antiforgery.FormFieldName)).Append("\" value=\"").Append(WebUtility.HtmlEncode(antiforgery.RequestToken))
            .Append("\"><button>Sign out of the sample</button></form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
