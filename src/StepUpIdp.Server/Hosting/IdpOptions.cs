using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Server.Hosting;

/// <summary>Host-wide settings bound from the root and the <c>Idp</c> section; validated at start-up.</summary>
public sealed class IdpOptions
{
    public const string Section = "Idp";

    /// <summary>
    /// The issuer URL. Required outside Development (<see cref="RequireIssuer"/>), so that tokens never name
    /// whatever Host header a request carried; in Development, empty means derived from the request.
    /// </summary>
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

    /// <summary>
    /// Addresses of the load balancers or reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed,
    /// besides loopback (<see cref="TrustedProxies"/>).
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of such proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Stops start-up outside Development unless <c>Idp:Issuer</c> is an absolute URL.</summary>
    public static void RequireIssuer(IConfiguration configuration, IHostEnvironment environment)
    {
        var issuer = configuration[Section + ":" + nameof(Issuer)];
        if (!environment.IsDevelopment() && !Uri.TryCreate(issuer, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException(
                "Idp:Issuer must be set to the IdP's absolute public URL (e.g. https://idp.example) outside Development: " +
                "otherwise tokens and discovery would name whatever Host header a request carried.");
        }
    }
}
