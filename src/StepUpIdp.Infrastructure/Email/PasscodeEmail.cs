using static System.Net.WebUtility;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>The emailed one-time passcode.</summary>
public static class PasscodeEmail
{
    public static EmailMessage Compose(string orgName, string code, TimeSpan validFor, string to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orgName);
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);

        var org = EmailText.SingleLine(orgName);
        var validity = DurationInWords.Format(validFor);

        // The code stays out of the subject: subjects show on lock screens and in logs.
        var subject = $"Your sign-in code for {org}";

        var text = $"""
            Here is your code to sign in to {org} as {to}:

                {code}

            It is valid for {validity} and works once. Never share it: {org} will not ask you for it.

            Didn't ask for this? You can ignore this email; nobody can sign in without the code.
            If these emails keep coming, tell an administrator of {org}.
            """;

        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{HtmlEncode(subject)}</title></head>
            <body style="font-family: sans-serif; line-height: 1.5;">
            <p>Here is your code to sign in to {HtmlEncode(org)} as {HtmlEncode(to)}:</p>
            <p style="font-size: 1.6em; font-weight: bold; letter-spacing: 0.2em; font-family: monospace;">{HtmlEncode(code)}</p>
            <p>It is valid for {HtmlEncode(validity)} and works once. Never share it: {HtmlEncode(org)} will not ask you for it.</p>
            <p style="color: #555;">Didn't ask for this? You can ignore this email; nobody can sign in without the code.
            If these emails keep coming, tell an administrator of {HtmlEncode(org)}.</p>
            </body>
            </html>
            """;

        return new EmailMessage(to, subject, text, html);
    }
}
