using StepUpIdp.Infrastructure.Passwords;
using static System.Net.WebUtility;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>The email with a single-use link to set a first password, or to reset a forgotten one.</summary>
public static class PasswordLinkEmail
{
    /// <param name="orgName">The organisation that invited the person (set-password); null for a reset.</param>
    public static EmailMessage Compose(PasswordLinkPurpose purpose, string? orgName, Uri link, TimeSpan validFor, string to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        var url = EmailText.WebLink(link);

        var validity = DurationInWords.Format(validFor);
        var (subject, opening, action) = purpose switch
        {
            PasswordLinkPurpose.SetPassword when orgName is not null => (
                $"Set your password for {EmailText.SingleLine(orgName)}",
                $"{EmailText.SingleLine(orgName)} set up an account for you ({to}). Choose your password to start using it.",
                "Choose your password"),
            PasswordLinkPurpose.SetPassword => ("Set your password", $"An account was set up for you ({to}). Choose your password to start using it.", "Choose your password"),
            _ => ("Reset your password", $"Someone asked to reset the password of your account ({to}).", "Choose a new password"),
        };
        var ignore = purpose == PasswordLinkPurpose.ResetPassword
            ? "Didn't ask for this? Ignore this email: your password stays as it is."
            : "Didn't expect this? You can ignore this email.";

        var text = $"""
            {opening}

            {action}:
            {url}

            The link works once, for {validity}.

            {ignore}
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{HtmlEncode(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5;">
            <p>{HtmlEncode(opening)}</p>
            <p><a href="{HtmlEncode(url)}">{HtmlEncode(action)}</a></p>
            <p>The link works once, for {HtmlEncode(validity)}.</p>
            <p style="color: #555;">{HtmlEncode(ignore)}</p>
            </body>
            </html>
            """;
        return new EmailMessage(to, subject, text, html);
    }
}
