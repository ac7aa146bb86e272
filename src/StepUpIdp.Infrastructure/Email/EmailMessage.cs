using MimeKit;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>One email to one recipient, with a plain-text and an HTML part.</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody)
{
    /// <summary>The MIME form both senders deliver, so the outbox shows exactly what SMTP would send.</summary>
    internal MimeMessage ToMimeMessage(MailboxAddress from, DateTimeOffset date)
    {
        var message = new MimeMessage
        {
            Subject = Subject,
            Date = date,
            Body = new BodyBuilder { TextBody = TextBody, HtmlBody = HtmlBody }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(To));
        return message;
    }
}
