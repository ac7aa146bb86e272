using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Api;
using StepUpIdp.Server.Oidc;

namespace StepUpIdp.Server.Hosting;

/// <summary>
/// While the database cannot be reached, requests that need it are answered 503 "temporarily unavailable" in the form
/// their caller reads, never 500: OAuth's error JSON (<c>temporarily_unavailable</c>) from the back-channel endpoints an
/// app calls, RFC 9457 problem details from the admin API, and for people the error page saying to try again in a
/// minute (the exception handler's page, with the status from <see cref="StatusCode"/>). Nothing is retried here: the
/// connection pool opens new connections once the server answers again. docs/operations.md, "What each failure does to
/// people".
/// </summary>
public sealed class DatabaseOutageAnswers : IExceptionHandler
{
    private const string RetryAfterSeconds = "30";

    private static readonly string[] BackChannelPaths =
        [
            OidcServiceCollectionExtensions.TokenPath, OidcServiceCollectionExtensions.UserInfoPath,
            OidcServiceCollectionExtensions.IntrospectionPath, OidcServiceCollectionExtensions.RevocationPath,
        ];

    /// <summary>The status the exception handler answers with: 503 for an outage of the database.</summary>
    public static int? StatusCode(Exception exception) =>
        DatabaseOutage.IsOutage(exception) ? StatusCodes.Status503ServiceUnavailable : null;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseOutage.IsOutage(exception))
        {
            return false;
        }

        // The middleware has already pointed the request at the error page: the feature keeps the path asked for.
        var path = new PathString(http.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? http.Request.Path);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds;
        http.Response.Headers.CacheControl = "no-store";
        if (BackChannelPaths.Any(endpoint => path.Equals(endpoint, StringComparison.OrdinalIgnoreCase)))
        {
            // RFC 6749 §4.1.2.1 defines temporarily_unavailable for the authorization endpoint; apps read the same code,
            // with a 503, from the endpoints they call directly.
            http.Response.ContentType = "application/json;charset=UTF-8";
            await http.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                error = OAuthErrors.TemporarilyUnavailable,
                error_description = "The identity provider cannot reach its database. Try again in a minute.",
            }), cancellationToken);
            return true;
        }

        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.DatabaseUnavailable,
                "The identity provider cannot reach its database. Try again in a minute.").ExecuteAsync(http);
            return true;
        }

        return false; // a page: the error page, answered 503 (StatusCode above)
    }
}
