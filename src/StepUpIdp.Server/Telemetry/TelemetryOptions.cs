using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Server.Telemetry;

/// <summary>Bound from the <c>Telemetry</c> configuration section (docs/operations.md).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Serve OpenTelemetry metrics in Prometheus text format at <c>/metrics</c>.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>
    /// When set, <c>/metrics</c> answers only on connections to this local port (add it to <c>Urls</c>, e.g.
    /// <c>http://127.0.0.1:9464</c>); unset, it answers on every listener.
    /// </summary>
    [Range(1, 65535)]
    public int? MetricsPort { get; set; }

    /// <summary>An OTLP endpoint (e.g. <c>http://collector:4317</c>) to export traces to; empty sends none.</summary>
    public string OtlpEndpoint { get; set; } = "";
}
