using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Testing;

namespace StepUpIdp.Infrastructure.Tests.Email;

public sealed class MailKitEmailSenderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Passcode_email_arrives_at_the_smtp_server_with_text_and_html_parts()
    {
        await using var sink = await SmtpSink.StartAsync();
        var sender = Sender(sink.Host, sink.Port);
        var email = PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), "bob@partner.test");

        await sender.SendAsync(email, CancellationToken.None);

        var received = await sink.WaitForMessageAsync(message => message.Subject == "Your sign-in code for Acme", Patience);
        Assert.Equal("no-reply@acme.test", Assert.Single(received.From.Mailboxes).Address);
        Assert.Equal("Acme sign-in", Assert.Single(received.From.Mailboxes).Name);
        Assert.Equal("bob@partner.test", Assert.Single(received.To.Mailboxes).Address);
        Assert.Contains("493817", received.TextBody);
        Assert.Contains("493817", received.HtmlBody);
    }

    [Fact]
    public async Task Log_names_the_recipient_domain_and_subject_but_never_the_address_or_code()
    {
        await using var sink = await SmtpSink.StartAsync();
        var log = new ListLogger<MailKitEmailSender>();
        var sender = Sender(sink.Host, sink.Port, log);

        await sender.SendAsync(PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), "bob@partner.test"), CancellationToken.None);

        var entry = Assert.Single(log.Messages);
        Assert.Contains("partner.test", entry);
        Assert.Contains("Your sign-in code for Acme", entry);
        Assert.DoesNotContain("bob@", entry);
        Assert.DoesNotContain("493817", entry);
    }

    [Fact]
    public async Task Unreachable_server_fails_with_an_email_delivery_exception()
    {
        var sender = Sender(IPAddress.Loopback.ToString(), UnusedPort());

        await Assert.ThrowsAsync<EmailDeliveryException>(() =>
            sender.SendAsync(PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), "bob@partner.test"), CancellationToken.None));
    }

    internal static MailKitEmailSender Sender(string host, int port, ListLogger<MailKitEmailSender>? log = null) => new(
        Options.Create(new SmtpOptions
        {
            Host = host,
            Port = port,
            Security = SmtpSecurity.None,
            From = "Acme sign-in <no-reply@acme.test>",
        }),
        TimeProvider.System,
        log is null ? NullLogger<MailKitEmailSender>.Instance : log);

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
