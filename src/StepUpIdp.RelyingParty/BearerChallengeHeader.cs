using System.Globalization;
using System.Text;

namespace StepUpIdp.RelyingParty;

/// <summary>Formats RFC 9470's step-up challenge as a <c>WWW-Authenticate</c> header value.</summary>
/// <example>
/// <code>
/// BearerChallengeHeader.Format(new StepUpChallenge(StepUpAcr.Otp, TimeSpan.FromMinutes(5), "A stronger authentication level is required."));
/// // Bearer error="insufficient_user_authentication", error_description="A stronger authentication level is required.",
/// //        acr_values="urn:stepupidp:acr:otp", max_age="300"
/// </code>
/// </example>
public static class BearerChallengeHeader
{
    /// <summary>The error code RFC 9470 section 3 defines.</summary>
    public const string InsufficientUserAuthentication = "insufficient_user_authentication";

    /// <summary>
    /// The header value, in RFC 9470 section 3's form: <c>error</c>, <c>error_description</c>, then
    /// <c>acr_values</c> and/or <c>max_age</c> (quoted, as in the RFC's examples), on one line. The description keeps
    /// only the characters RFC 6750 allows it; <c>acr_values</c> escapes <c>"</c> and <c>\</c> as quoted-pairs.
    /// </summary>
    public static string Format(StepUpChallenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);

        var header = new StringBuilder("Bearer error=\"").Append(InsufficientUserAuthentication).Append('"');
        header.Append(", error_description=\"").Append(Description(challenge.Description)).Append('"');
        if (challenge.AcrValues is { } acr)
        {
            header.Append(", acr_values=").Append(QuotedString(acr));
        }

        if (challenge.MaxAge is { } maxAge)
        {
            header.Append(", max_age=\"").Append(((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture)).Append('"');
        }

        return header.ToString();
    }

    // RFC 6750 section 3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E, so no quote or
    // backslash can break out of the quoted string and no CR/LF can split the header.
    private static string Description(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is >= '\x20' and <= '\x7E' and not '"' and not '\\')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // RFC 9110 section 5.6.4: a quoted-string, with '"' and '\' as quoted-pairs so that the value reads back as it
    // was; control characters (CR, LF) and non-ASCII, which have no place in a header, are left out.
    private static string QuotedString(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c is >= '\x20' and <= '\x7E')
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
