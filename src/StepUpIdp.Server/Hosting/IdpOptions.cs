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

    /// <summary>External users' access tokens live at most this long, so ending their access takes effect quickly.</summary>
    [Range(1, 60)]
    public int ExternalAccessTokenLifetimeMinutes { get; set; } = 5;

    /// <summary>A sign-in session's absolute lifetime (docs/sessions.md); it also bounds the refresh tokens it starts.</summary>
    [Range(5, 43_200)]
    public int SessionLifetimeMinutes { get; set; } = 480;

    /// <summary>A sign-in session ends when unused for this long; no more than <see cref="SessionLifetimeMinutes"/>.</summary>
    [Range(1, 43_200)]
    public int SessionIdleMinutes { get; set; } = 120;

    /// <summary>
    /// The lifetime of a cookie-only session made while Redis cannot be reached (docs/sessions.md): it carries no
    /// verification and cannot be ended from the server, so it is short, and it stops counting once Redis is back.
    /// </summary>
    [Range(1, 240)]
    public int OfflineSessionMinutes { get; set; } = 30;

    /// <summary>Whether this node delivers back-channel logouts and sweeps expired sessions (any number of nodes may).</summary>
    public bool RunSessionWorker { get; set; } = true;

    /// <summary>Password and passcode form submissions one client IP may make per minute.</summary>
    [Range(1, 10_000)]
    public int SignInPostsPerMinutePerIp { get; set; } = 30;
}
