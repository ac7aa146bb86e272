using System.Text;
using System.Text.Encodings.Web;
using StepUpIdp.Infrastructure.Email;

namespace StepUpIdp.Server.Development;

/// <summary>
/// <c>/dev/outbox</c>: the messages the development outbox holds (passcodes, invitations), newest first.
/// Mapped only in Development; it shows passcodes, so it must never exist anywhere else.
/// </summary>
public static class OutboxPage
{
    public static IEndpointRouteBuilder MapDevelopmentOutbox(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dev/outbox", async (OutboxReader outbox, CancellationToken cancellationToken) =>
        {
            var messages = await outbox.ReadNewestAsync(50, cancellationToken);
            var html = new StringBuilder("""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Outbox · StepUpIdp (Development)</title>
                <link rel="stylesheet" href="/site.css"></head><body><main style="max-width:60rem">
                <h1>Development outbox</h1><p class="context">Emails the IdP would have sent. Configure <code>Smtp:Host</code> to send real mail.</p>
                """);
            if (messages.Count == 0)
            {
                html.Append("<p>No messages yet.</p>");
            }

            foreach (var message in messages)
            {
                html.Append("<article><h2>").Append(HtmlEncoder.Default.Encode(message.Subject)).Append("</h2><p class=\"context\">To ")
                    .Append(HtmlEncoder.Default.Encode(message.To)).Append(" at ").Append(message.Time.ToString("u", System.Globalization.CultureInfo.InvariantCulture))
                    .Append("</p><pre>").Append(HtmlEncoder.Default.Encode(message.TextBody)).Append("</pre></article>");
            }

            html.Append("</main></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        });
        return endpoints;
    }
}
