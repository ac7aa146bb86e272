using StepUpIdp.Testing;

namespace StepUpIdp.Infrastructure.Tests.Email;

/// <summary>
/// A fact that needs a real SMTP server writing to a maildir (aiosmtpd's Mailbox handler in <c>.ci/run</c>).
/// Without <c>STEPUPIDP_TEST_SMTP</c> (host:port) and <c>STEPUPIDP_TEST_SMTP_MAILDIR</c> it is reported as
/// skipped, never as passed.
/// </summary>
public sealed class ExternalSmtpFactAttribute() : ServerFactAttribute(
    $"Set {ServerVariable} (host:port) and {MaildirVariable} to run against a real SMTP server.", ServerVariable, MaildirVariable)
{
    public const string ServerVariable = "STEPUPIDP_TEST_SMTP";
    public const string MaildirVariable = "STEPUPIDP_TEST_SMTP_MAILDIR";
}
