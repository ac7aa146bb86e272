using static System.Net.WebUtility;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>A change to how the account signs in or reaches APIs, told to the account's mailbox (docs/security.md).</summary>
public enum SecurityNotice
{
    AuthenticatorAdded,
    AuthenticatorRemoved,
    ApiTokenCreated,
}

/// <summary>
/// The email that tells the owner of an account about a sensitive change, so that someone who got in with a stolen
/// password cannot add a way in unnoticed. It names what changed and when, never a secret.
/// </summary>
public static class SecurityNoticeEmail
{
    /// <param name="detail">What changed, for example the API token's name and organisation; plain text.</param>
    public static EmailMessage Compose(SecurityNotice notice, string to, string? detail, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        var when = at.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        var (subject, what) = notice switch
        {
            SecurityNotice.AuthenticatorAdded => ("An authenticator app was added to your account", "An authenticator app was set up for your account"),
            SecurityNotice.AuthenticatorRemoved => ("The authenticator app was removed from your account", "The authenticator app of your account was removed"),
            SecurityNotice.ApiTokenCreated => ("A new API token was created for your account", "A new API token was created for your account"),
            _ => throw new ArgumentOutOfRangeException(nameof(notice), notice, "Unknown notice."),
        };
        var line = detail is null ? $"{what} ({to}) on {when}." : $"{what} ({to}) on {when}: {EmailText.SingleLine(detail)}.";
        const string advice = "If this was you, there is nothing to do. If it wasn't, change your password now, then look at your sessions and API tokens on your account page, and tell your administrator.";
        var text = $"""
            {line}

            {advice}
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{HtmlEncode(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5;">
            <p>{HtmlEncode(line)}</p>
            <p>{HtmlEncode(advice)}</p>
            </body>
            </html>
            """;
        return new EmailMessage(to, subject, text, html);
    }
}
