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
}
