using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Server.Hosting;

/// <summary>Host-wide settings bound from the root and the <c>Idp</c> section; validated at start-up.</summary>
public sealed class IdpOptions
{
    public const string Section = "Idp";

    /// <summary>The issuer URL. Empty: derived from the request (fine behind one host name; set it behind a load balancer).</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Refuse plain HTTP on the OIDC endpoints. Only the Development configuration turns it off.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>Load <c>config/demo-data.json</c> on first start. Honoured in Development only.</summary>
    public bool LoadDemoData { get; set; }

    [Range(1, 1440)]
    public int AccessTokenLifetimeMinutes { get; set; } = 15;

    [Range(1, 90)]
    public int RefreshTokenLifetimeDays { get; set; } = 14;

    [Range(5, 1440)]
    public int SessionLifetimeMinutes { get; set; } = 480;

    /// <summary>Password and passcode form submissions one client IP may make per minute.</summary>
    [Range(1, 10_000)]
    public int SignInPostsPerMinutePerIp { get; set; } = 30;
}
