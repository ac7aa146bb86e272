using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Testing;

namespace StepUpIdp.Infrastructure.Tests.Email;

/// <summary>MailKit against a different SMTP implementation than our own sink: aiosmtpd delivering to a maildir.</summary>
[Trait("Category", "ExternalSmtp")]
public sealed class ExternalSmtpTests
{
    [ExternalSmtpFact]
    public async Task Passcode_email_sent_through_a_real_smtp_server_lands_in_the_mailbox()
    {
        var (host, port) = Maildir.SmtpServer();
        var mailbox = Maildir.FromEnvironment();
        var recipient = $"bob+{Guid.NewGuid():N}@partner.test";
        var email = PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), recipient);

        await MailKitEmailSenderTests.Sender(host, port).SendAsync(email, CancellationToken.None);

        var delivered = await mailbox.NextAsync(recipient, "sign-in code");
        Assert.Equal("Your sign-in code for Acme", delivered.Subject);
        Assert.Equal("no-reply@acme.test", Assert.Single(delivered.From.Mailboxes).Address);
        Assert.Contains("493817", delivered.TextBody);
        Assert.Contains("493817", delivered.HtmlBody);
    }
}
