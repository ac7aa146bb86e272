using static System.Net.WebUtility;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>The invitation a person with a password already receives when an organisation adds them: a sign-in link.</summary>
public static class UserInvitationEmail
{
    public static EmailMessage Compose(string orgName, Uri signInUrl, string to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orgName);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        var url = EmailText.WebLink(signInUrl);

        var org = EmailText.SingleLine(orgName);
        var subject = $"You were added to {org}";
        var opening = $"{org} added you ({to}). Sign in with your existing password to use its apps.";
        var text = $"""
            {opening}

            Sign in:
            {url}

            Didn't expect this? You can ignore this email.
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{HtmlEncode(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5;">
            <p>{HtmlEncode(opening)}</p>
            <p><a href="{HtmlEncode(url)}">Sign in</a></p>
            <p style="color: #555;">Didn't expect this? You can ignore this email.</p>
            </body>
            </html>
            """;
        return new EmailMessage(to, subject, text, html);
    }
}
