using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>Sends through an SMTP server with MailKit: one connection per message, closed afterwards.</summary>
public sealed class MailKitEmailSender(
    IOptions<SmtpOptions> options,
    TimeProvider timeProvider,
    ILogger<MailKitEmailSender> logger) : IEmailSender
{
    // A passcode that arrives minutes late is useless; fail fast and let the person ask again.
    private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(30);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var smtp = options.Value;
        var host = smtp.Host ?? throw new InvalidOperationException("Smtp:Host is not set; MailKitEmailSender needs a server.");
        var mime = message.ToMimeMessage(smtp.FromMailbox(), timeProvider.GetUtcNow());

        try
        {
            using var client = new SmtpClient { Timeout = (int)ServerTimeout.TotalMilliseconds };
            await client.ConnectAsync(host, smtp.Port, ToMailKit(smtp.Security), cancellationToken);
            if (!string.IsNullOrEmpty(smtp.User))
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? string.Empty, cancellationToken);
            }

            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.EmailSendFailed(exception, message.Subject, EmailLog.DomainOf(message.To), host, smtp.Port);
            throw new EmailDeliveryException($"The email could not be sent through {host}:{smtp.Port}.", exception);
        }

        logger.EmailSent(message.Subject, EmailLog.DomainOf(message.To), host, smtp.Port);
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.Auto => SecureSocketOptions.Auto,
        _ => throw new InvalidOperationException($"Smtp:Security value {security} is not supported."),
    };
}
