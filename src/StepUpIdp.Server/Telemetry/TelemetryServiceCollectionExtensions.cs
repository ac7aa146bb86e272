using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StepUpIdp.Infrastructure.Telemetry;

namespace StepUpIdp.Server.Telemetry;

/// <summary>
/// OpenTelemetry: the <c>StepUpIdp</c> meter (<see cref="IdpMetrics"/>) and ASP.NET Core's request metrics, scraped in
/// Prometheus format at <c>/metrics</c>; traces of requests exported over OTLP when an endpoint is configured.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddStepUpTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.OtlpEndpoint) || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _),
                "Telemetry:OtlpEndpoint must be an absolute URI, or empty for no traces.")
            .ValidateOnStart();
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();

        var telemetry = services.AddOpenTelemetry();
        if (options.Metrics)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(IdpMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        }

        if (Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var otlp))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(exporter => exporter.Endpoint = otlp));
        }

        // Token responses by grant type, counted where OpenIddict answers the token endpoint.
        services.AddOpenIddict().AddServer(server => server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler =>
            handler.UseInlineHandler(context =>
            {
                if (string.IsNullOrEmpty(context.Response.Error) && context.Request?.GrantType is { } grantType)
                {
                    IdpMetrics.TokenIssued(grantType);
                }

                return default;
            }).SetOrder(int.MinValue)));
        return services;
    }

    /// <summary>Serves <c>/metrics</c> on every listener, or only on <see cref="TelemetryOptions.MetricsPort"/>; call before routing.</summary>
    public static WebApplication UseStepUpMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (!options.Metrics)
        {
            return app;
        }

        if (options.MetricsPort is { } port)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Connection.LocalPort == port && context.Request.Path == "/metrics");
        }
        else
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint();
        }

        return app;
    }
}
