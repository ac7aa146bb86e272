namespace StepUpIdp.Server.Hosting;

/// <summary>
/// Headers every answer of an identity provider carries: its pages must never be framed (clickjacking of the
/// sign-in and passcode forms), never run script (they have none), never sniffed, never leak a URL with a code through Referer, and never be
/// cached (they show passcodes, secrets shown once and recovery codes).
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // No page runs script, so none may run (an injected one included); only the authorization endpoint's
            // form_post answer, which OpenIddict makes submit itself with an inline script, is left without script-src.
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(Oidc.OidcServiceCollectionExtensions.AuthorizePath)
                ? "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
                : "script-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
            if (!http.Request.Path.StartsWithSegments("/.well-known") && !IsStaticAsset(http.Request.Path))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            return Task.CompletedTask;
        });
        await next(http);
    });

    private static bool IsStaticAsset(PathString path) => path.Value?.EndsWith(".css", StringComparison.Ordinal) == true;
}
