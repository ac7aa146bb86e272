using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>
/// The development sender: writes each message as an .eml file instead of sending it, so the whole
/// flow (passcodes included) can be tried without a mail server. Never chosen when Smtp:Host is set.
/// </summary>
public sealed class OutboxEmailSender(
    IOptions<OutboxOptions> outbox,
    IOptions<SmtpOptions> smtp,
    TimeProvider timeProvider,
    ILogger<OutboxEmailSender> logger) : IEmailSender
{
    internal const string FileExtension = ".eml";

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = timeProvider.GetUtcNow();
        var mime = message.ToMimeMessage(smtp.Value.FromMailbox(), now);
        var directory = outbox.Value.Directory;
        Directory.CreateDirectory(directory);

        // Names sort by time: ordinal order of the names is the order of writing (to the 100 ns tick).
        var fileName = string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfffffff'Z'}-{Guid.NewGuid():N}{FileExtension}");
        var path = Path.Combine(directory, fileName);

        // Write beside, then move: a reader never sees half a message.
        var partial = path + ".partial";
        await mime.WriteToAsync(partial, cancellationToken);
        File.Move(partial, path);

        logger.EmailWrittenToOutbox(message.Subject, EmailLog.DomainOf(message.To), fileName);
    }
}
