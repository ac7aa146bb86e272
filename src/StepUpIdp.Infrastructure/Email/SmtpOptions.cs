using MimeKit;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>Outgoing mail, bound from the <c>Smtp</c> section. No <see cref="Host"/> means the development outbox.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    /// <summary>The sender used when <see cref="From"/> is not set; only allowed for the outbox.</summary>
    public const string DevelopmentFrom = "StepUpIdp <no-reply@stepupidp.localhost>";

    public string? Host { get; set; }

    /// <summary>587 (submission with STARTTLS) unless set.</summary>
    public int Port { get; set; } = 587;

    /// <summary>STARTTLS is required by default so credentials and passcodes never cross the network in clear.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The From address, with or without a display name: <c>Acme sign-in &lt;no-reply@acme.example&gt;</c>.</summary>
    public string? From { get; set; }

    internal bool UsesOutbox => string.IsNullOrWhiteSpace(Host);

    /// <summary>The sender mailbox; <see cref="SmtpOptionsValidator"/> has already checked that it parses.</summary>
    internal MailboxAddress FromMailbox() =>
        SmtpOptionsValidator.TryParseFrom(string.IsNullOrWhiteSpace(From) ? DevelopmentFrom : From, out var mailbox)
            ? mailbox
            : throw new InvalidOperationException("Smtp:From is not a valid email address.");
}
