using System.Net;
using Microsoft.AspNetCore.Http;

namespace StepUpIdp.RelyingParty;

/// <summary>The page a person gets when a step-up cannot be met: 403, saying why, instead of another trip to the IdP.</summary>
internal static class StepUpRefusedPage
{
    public static Task WriteAsync(HttpContext http, string reason)
    {
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";

        // The reason may quote the IdP's error_description, which came in on the callback's query: encode it.
        var home = WebUtility.HtmlEncode(http.Request.PathBase + "/");
        return http.Response.WriteAsync(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>A stronger sign-in is needed</title></head><body>"
            + "<h1>A stronger sign-in is needed</h1><p>" + WebUtility.HtmlEncode(reason) + "</p>"
            + "<p><a href=\"" + home + "\">Go to the start page</a></p></body></html>");
    }
}
