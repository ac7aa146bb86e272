using StepUpIdp.Testing;

namespace StepUpIdp.Infrastructure.Tests.Email;

/// <summary>
/// A fact that needs a real SMTP server writing to a maildir (aiosmtpd's Mailbox handler in <c>.ci/run</c>).
/// Without <see cref="Maildir.SmtpVariable"/> (host:port) and <see cref="Maildir.Variable"/> it is reported as
/// skipped, never as passed.
/// </summary>
public sealed class ExternalSmtpFactAttribute() : ServerFactAttribute(
    $"Set {Maildir.SmtpVariable} (host:port) and {Maildir.Variable} to run against a real SMTP server.", Maildir.SmtpVariable, Maildir.Variable);
