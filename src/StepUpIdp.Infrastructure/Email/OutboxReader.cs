using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>Reads the development outbox back, newest first. Serves a Development-only page; never expose it otherwise.</summary>
public sealed class OutboxReader(IOptions<OutboxOptions> outbox, ILogger<OutboxReader> logger)
{
    public const int DefaultCount = 50;

    public async Task<IReadOnlyList<OutboxEntry>> ReadNewestAsync(int count = DefaultCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var directory = new DirectoryInfo(outbox.Value.Directory);
        if (!directory.Exists)
        {
            return [];
        }

        // File names start with the UTC time they were written, so ordinal order is time order.
        var newest = directory
            .EnumerateFiles("*" + OutboxEmailSender.FileExtension)
            .OrderByDescending(file => file.Name, StringComparer.Ordinal)
            .Take(count);

        var entries = new List<OutboxEntry>();
        foreach (var file in newest)
        {
            try
            {
                var message = await MimeMessage.LoadAsync(file.FullName, cancellationToken);
                entries.Add(new OutboxEntry(
                    message.Date,
                    string.Join(", ", message.To.Mailboxes.Select(mailbox => mailbox.Address)),
                    message.Subject ?? string.Empty,
                    message.TextBody ?? string.Empty,
                    file.Name));
            }
            catch (Exception exception) when (exception is IOException or FormatException or UnauthorizedAccessException)
            {
                // A file deleted meanwhile or edited by hand should not break the page.
                logger.OutboxMessageUnreadable(exception, file.Name);
            }
        }

        return entries;
    }
}
