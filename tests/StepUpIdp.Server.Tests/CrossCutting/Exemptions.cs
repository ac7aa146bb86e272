namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// The routes that legitimately differ from a cross-cutting rule, each with the reason. Keep them few: an entry exempts
/// every method of its route pattern from that one rule. <see cref="RouteInventoryTests"/> fails on an entry that names
/// no route the IdP has (a stale exemption would silently exempt whatever takes its name later).
/// </summary>
public static class Exemptions
{
    /// <summary>Unsafe methods (POST, PUT, DELETE) that take no antiforgery token from a session cookie.</summary>
    public static readonly IReadOnlyDictionary<string, string> Antiforgery = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // OAuth 2.0 / OpenID Connect protocol endpoints: relying parties post to them from their own pages and
        // servers, never with a form of the IdP (RFC 6749 §3-4, OIDC Core §3.1.2.1). What guards them is the
        // protocol: client authentication, PKCE, registered redirect URIs. /connect/endsession is not here: the IdP's
        // own confirmation page posts to it, so it is checked like a form.
        ["/connect/authorize"] = "OAuth authorization request (POST allowed by OIDC Core 3.1.2.1)",
        ["/connect/token"] = "OAuth token request: client authentication and PKCE, no browser session",
        ["/connect/userinfo"] = "OIDC UserInfo: bearer token only",
        // The error page is re-executed for the error of any method; it shows a page and changes nothing.
        ["/error/{code:int?}"] = "error page re-executed for any method; changes nothing",
        // Probes answer whatever method a load balancer sends; they read only.
        ["/health/live"] = "liveness probe, any method, reads only",
        ["/health/ready"] = "readiness probe, any method, reads only",
    };

}
