using MimeKit;
using StepUpIdp.Infrastructure.Email;

namespace StepUpIdp.Infrastructure.Tests.Email;

/// <summary>MailKit against a different SMTP implementation than our own sink: aiosmtpd delivering to a maildir.</summary>
[Trait("Category", "ExternalSmtp")]
public sealed class ExternalSmtpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [ExternalSmtpFact]
    public async Task Passcode_email_sent_through_a_real_smtp_server_lands_in_the_mailbox()
    {
        var (host, port) = Server();
        var recipient = $"bob+{Guid.NewGuid():N}@partner.test";
        var email = PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), recipient);

        await MailKitEmailSenderTests.Sender(host, port).SendAsync(email, CancellationToken.None);

        var delivered = await FindInMaildirAsync(recipient);
        Assert.Equal("Your sign-in code for Acme", delivered.Subject);
        Assert.Equal("no-reply@acme.test", Assert.Single(delivered.From.Mailboxes).Address);
        Assert.Contains("493817", delivered.TextBody);
        Assert.Contains("493817", delivered.HtmlBody);
    }

    private static (string Host, int Port) Server()
    {
        var value = Environment.GetEnvironmentVariable(ExternalSmtpFactAttribute.ServerVariable)!;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], out var port))
        {
            throw new InvalidOperationException($"{ExternalSmtpFactAttribute.ServerVariable} must be host:port; got \"{value}\".");
        }

        return (value[..colon], port);
    }

    private static async Task<MimeMessage> FindInMaildirAsync(string recipient)
    {
        var maildir = Environment.GetEnvironmentVariable(ExternalSmtpFactAttribute.MaildirVariable)!;
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            // Maildir delivers into new/ and a mail reader may move it to cur/.
            foreach (var folder in new[] { "new", "cur" }.Select(name => Path.Combine(maildir, name)).Where(Directory.Exists))
            {
                foreach (var file in Directory.EnumerateFiles(folder))
                {
                    var message = await MimeMessage.LoadAsync(file);
                    if (message.To.Mailboxes.Any(mailbox => mailbox.Address == recipient))
                    {
                        return message;
                    }
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No message to {recipient} reached the maildir {maildir} within {Patience}.");
            }

            await Task.Delay(100);
        }
    }
}
