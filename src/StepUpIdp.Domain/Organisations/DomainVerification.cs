namespace StepUpIdp.Domain.Organisations;

/// <summary>The TXT record an organisation publishes to prove it controls a domain.</summary>
public sealed record DomainVerificationRecord(string Name, string Type, string Value);

/// <summary>
/// How an organisation proves a domain: it publishes a TXT record at <c>_stepupidp-challenge.{domain}</c> whose text
/// is <c>stepupidp-domain-verification={token}</c>, the token being random and given when the domain was added. The
/// record sits under its own label (as ACME's <c>_acme-challenge</c> does, RFC 8555 section 8.4) so it never clashes
/// with the domain's own TXT records, such as SPF. Domains are compared in lower-case ASCII (IDNA, RFC 5891): a domain
/// typed with accents is stored in its <c>xn--</c> form, which is what email addresses and DNS use.
/// </summary>
public static class DomainVerification
{
    public const string RecordLabel = "_stepupidp-challenge";
    public const string ValuePrefix = "stepupidp-domain-verification=";
    public const int MaxLength = 253;

    public static DomainVerificationRecord RecordFor(string domain, string token) =>
        new($"{RecordLabel}.{domain}", "TXT", ValuePrefix + token);

    /// <summary>The canonical form of a domain an admin typed, or null when it is not a domain name with two or more labels.</summary>
    public static string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }

        var domain = input.Trim().TrimEnd('.');
        if (domain.Length == 0 || domain.Length > MaxLength || domain.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return null;
        }

        if (!DomainName.TryAscii(domain, out domain))
        {
            return null;
        }

        var labels = domain.Split('.');
        var valid = domain.Length <= MaxLength
            && labels.Length >= 2
            && labels.All(IsLabel)
            && !labels[^1].All(char.IsAsciiDigit); // "10.0.0.1" is an address, not a domain
        return valid ? domain : null;
    }

    /// <summary>Whether any TXT string found at the record's name is exactly the expected value (surrounding spaces ignored).</summary>
    public static bool IsProven(IEnumerable<string> txtValues, string token)
    {
        var expected = ValuePrefix + token;
        return txtValues.Any(v => string.Equals(v.Trim(), expected, StringComparison.Ordinal));
    }

    private static bool IsLabel(string label) =>
        label.Length is >= 1 and <= 63
        && label[0] != '-' && label[^1] != '-'
        && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
