using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;
using StepUpIdp.Domain.Apps;

namespace StepUpIdp.Server.Apps;

/// <summary>
/// CORS for browser apps (docs/admin-guide.md, "Apps"): the protocol endpoints a single-page app calls from script
/// (discovery, JWKS, token, userinfo, revocation) answer the origins registered for the app the request speaks for
/// (<see cref="CorsRequestClient"/>), and no other; a request that names no app (a preflight, discovery, the JWKS) any
/// app's origin. No credentials: the app sends tokens, never the IdP's cookies. <c>WWW-Authenticate</c> is exposed, so
/// the app can read why a token or client was refused. A changed origin list counts at once (<see cref="AppOrigins"/>).
/// </summary>
public sealed class AppOriginCors : ICorsPolicyProvider
{
    public const string Policy = "registered-app-origins";

    private static readonly HashSet<string> Paths = new(StringComparer.OrdinalIgnoreCase)
    {
        "/.well-known/openid-configuration", "/.well-known/jwks", "/connect/token", "/connect/userinfo", "/connect/revoke",
    };

    /// <summary>Whether the path is one of the endpoints that answer CORS.</summary>
    public static bool Covers(PathString path) => Paths.Contains(path.Value ?? "");

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var origin = AppRegistrationRules.NormalizeOrigin(context.Request.Headers.Origin.ToString());
        if (origin is null || !Covers(context.Request.Path))
        {
            return null;
        }

        var apps = await context.RequestServices.GetRequiredService<AppOrigins>().AppsOfAsync(origin, context.RequestAborted);
        if (apps is null || await CorsRequestClient.ReadAsync(context.Request) is { } clientId && !apps.ClientIds.Contains(clientId))
        {
            return null;
        }

        return new CorsPolicyBuilder()
            .WithOrigins(origin)
            .WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders("Authorization", "Content-Type")
            // Script reads an error's challenge (userinfo's invalid_token, the token endpoint's invalid_client) only if exposed.
            .WithExposedHeaders("WWW-Authenticate")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build();
    }
}

public static class AppOriginCorsMiddleware
{
    /// <summary>
    /// CORS for <see cref="AppOriginCors"/>'s endpoints, and <c>Vary: Origin</c> on every answer of theirs (with or without
    /// an Origin header), so a shared cache in front of discovery or the JWKS never hands one origin's answer, or a
    /// same-origin one, to another.
    /// </summary>
    public static IApplicationBuilder UseAppOriginCors(this IApplicationBuilder app) => app
        .Use((http, next) =>
        {
            if (AppOriginCors.Covers(http.Request.Path))
            {
                http.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
            }

            return next(http);
        })
        .UseCors(AppOriginCors.Policy);
}
