using Microsoft.AspNetCore.Diagnostics;
using StepUpIdp.Server.Api;

namespace StepUpIdp.Server.Hosting;

/// <summary>
/// Every answer under <c>/api</c> is RFC 9457 problem details, also when no endpoint wrote one: a path or method
/// without an endpoint (404, 405), a request the framework refused before the endpoint ran, and an exception (the
/// status the exception handler chose; a database outage is <see cref="DatabaseOutageAnswers"/>'s). Pages keep the
/// error page. docs/admin-guide.md, "API reference".
/// </summary>
public sealed class ApiErrorAnswers : IExceptionHandler
{
    public static bool IsApi(PathString path) => path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    /// <summary>For <c>UseStatusCodePages</c>: an API answer with an error status and no body.</summary>
    public static Task StatusCodeAsync(StatusCodeContext context) => WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware has already pointed the request at the error page: the feature keeps the path asked for.
        var path = new PathString(http.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? http.Request.Path);
        if (!IsApi(path))
        {
            return false;
        }

        await WriteAsync(http, http.Response.StatusCode);
        return true;
    }

    private static Task WriteAsync(HttpContext http, int status)
    {
        var problem = status switch
        {
            StatusCodes.Status404NotFound => ProblemTypes.Problem(status, ProblemTypes.NotFound, "There is nothing at this address."),
            StatusCodes.Status405MethodNotAllowed => ProblemTypes.Problem(status, ProblemTypes.MethodNotAllowed,
                "This address does not take this method."),
            StatusCodes.Status400BadRequest => ProblemTypes.Problem(status, ProblemTypes.Validation, "The request could not be read."),
            _ => Results.Problem(statusCode: status),
        };
        return problem.ExecuteAsync(http);
    }
}
