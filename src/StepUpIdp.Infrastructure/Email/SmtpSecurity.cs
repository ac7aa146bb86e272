namespace StepUpIdp.Infrastructure.Email;

public enum SmtpSecurity
{
    /// <summary>Plain text; only for a relay on the same host or a trusted network.</summary>
    None,

    /// <summary>Connect in plain text, then require STARTTLS (RFC 3207); fail if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (RFC 8314 "implicit TLS", usually port 465).</summary>
    SslOnConnect,

    /// <summary>
    /// TLS on connect for port 465, otherwise STARTTLS when the server offers it. Falls back to plain
    /// text silently, so prefer an explicit value in production.
    /// </summary>
    Auto,
}
