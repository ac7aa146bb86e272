using System.Globalization;
using static System.Net.WebUtility;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>The invitation a guest receives when an admin adds them to an app.</summary>
public static class GuestInvitationEmail
{
    public static EmailMessage Compose(
        string orgName,
        string appName,
        Uri signInUrl,
        IReadOnlyList<string> spaces,
        DateTimeOffset? expiresAt,
        string to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orgName);
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        ArgumentNullException.ThrowIfNull(spaces);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);

        var url = EmailText.WebLink(signInUrl);

        var org = EmailText.SingleLine(orgName);
        var app = EmailText.SingleLine(appName);
        var spaceList = string.Join(", ", spaces.Select(EmailText.SingleLine));
        var expiry = expiresAt is { } at
            ? at.UtcDateTime.ToString("d MMMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : null;

        var subject = $"{org} invited you to {app}";

        var details = string.Concat(
            spaces.Count == 0 ? "" : $"You can see: {spaceList}.\n",
            expiry is null ? "" : $"Your access ends on {expiry}.\n",
            spaces.Count == 0 && expiry is null ? "" : "\n");
        var text = $"""
            {org} invited you ({to}) as a guest to {app}.

            {details}Sign in here:
            {url}

            You don't need a password: each time you sign in, we email you a one-time code.

            Didn't expect this? You can ignore this email. If you think it was sent by mistake, tell an administrator of {org}.
            """;

        var spacesHtml = spaces.Count == 0 ? "" : $"<p>You can see: {HtmlEncode(spaceList)}.</p>";
        var expiryHtml = expiry is null ? "" : $"<p>Your access ends on {HtmlEncode(expiry)}.</p>";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{HtmlEncode(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5;">
            <p>{HtmlEncode(org)} invited you ({HtmlEncode(to)}) as a guest to {HtmlEncode(app)}.</p>
            {spacesHtml}
            {expiryHtml}
            <p><a href="{HtmlEncode(url)}">Sign in to {HtmlEncode(app)}</a></p>
            <p>You don't need a password: each time you sign in, we email you a one-time code.</p>
            <p style="color: #555;">Didn't expect this? You can ignore this email. If you think it was sent by mistake, tell an administrator of {HtmlEncode(org)}.</p>
            </body>
            </html>
            """;

        return new EmailMessage(to, subject, text, html);
    }
}
