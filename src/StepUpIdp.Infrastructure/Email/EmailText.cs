using System.Text;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>Text rules shared by the email templates.</summary>
internal static class EmailText
{
    /// <summary>Names come from admins; line breaks and control characters must not reshape a subject or a body.</summary>
    public static string SingleLine(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    /// <summary>The link's text: only a web address may become a link; anything else is a bug in the caller.</summary>
    public static string WebLink(Uri link, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(link))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(link, paramName);
        if (!link.IsAbsoluteUri || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The link must be an absolute http or https URL.", paramName);
        }

        return link.AbsoluteUri;
    }
}
