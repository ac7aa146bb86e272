using Microsoft.Extensions.Logging;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>
/// Email log events with fixed ids. Only the recipient's domain and the subject are logged: never the
/// address's local part, the body or a passcode (templates keep codes out of subjects for this reason).
/// </summary>
internal static partial class EmailLog
{
    [LoggerMessage(EventId = 3100, EventName = "EmailSent", Level = LogLevel.Information,
        Message = "Email \"{Subject}\" sent to a recipient at {RecipientDomain} through {SmtpHost}:{SmtpPort}.")]
    public static partial void EmailSent(this ILogger logger, string subject, string recipientDomain, string smtpHost, int smtpPort);

    [LoggerMessage(EventId = 3101, EventName = "EmailSendFailed", Level = LogLevel.Error,
        Message = "Email \"{Subject}\" to a recipient at {RecipientDomain} could not be sent through {SmtpHost}:{SmtpPort}.")]
    public static partial void EmailSendFailed(this ILogger logger, Exception exception, string subject, string recipientDomain, string smtpHost, int smtpPort);

    [LoggerMessage(EventId = 3102, EventName = "EmailWrittenToOutbox", Level = LogLevel.Information,
        Message = "Smtp:Host is empty: email \"{Subject}\" to a recipient at {RecipientDomain} was written to the development outbox as {FileName}.")]
    public static partial void EmailWrittenToOutbox(this ILogger logger, string subject, string recipientDomain, string fileName);

    [LoggerMessage(EventId = 3103, EventName = "OutboxMessageUnreadable", Level = LogLevel.Warning,
        Message = "Outbox file {FileName} could not be read and is not listed.")]
    public static partial void OutboxMessageUnreadable(this ILogger logger, Exception exception, string fileName);

    public static string DomainOf(string address) => Domain.Accounts.EmailAddress.DomainOf(address) ?? "(no domain)";
}
