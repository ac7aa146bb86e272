using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StepUpIdp.Server.Health;

/// <summary>
/// <c>/health/live</c> (the process answers; no dependency is checked, so a Redis outage never gets a node restarted) and
/// <c>/health/ready</c> (Redis, the database and the signing keys; 503 when any fails, so a load balancer takes the
/// node out). <c>/healthz</c> stays as the plain liveness answer "ok" older probes use. See docs/operations.md.
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    /// <summary>Short enough that a probe answers before a load balancer's own timeout, long enough for one slow round trip.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddStepUpHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [Ready])
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<SigningKeysHealthCheck>("signing-keys", tags: [Ready]);

        // Every check gets the same bound, through the token it is given (the database's stops waiting on it even when its
        // driver does not: DatabaseHealthCheck).
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                registration.Timeout = CheckTimeout;
            }
        });
        return services;
    }

    public static WebApplication MapStepUpHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }

    /// <summary>The overall status and each check's status; never an exception's text, which could reveal internals.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => entry.Value.Status.ToString()),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
