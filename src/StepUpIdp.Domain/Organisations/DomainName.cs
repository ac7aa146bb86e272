using System.Globalization;

namespace StepUpIdp.Domain.Organisations;

/// <summary>
/// The one canonical form of a domain name: lower-case ASCII (IDNA, RFC 5891), so <c>Bücher.example</c> is
/// <c>xn--bcher-kva.example</c>. Lower-cased before the IDNA mapping, which does not fold case everywhere (not under
/// invariant globalisation). Used for verified domains, policies' domains and the domain part of email addresses.
/// </summary>
public static class DomainName
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The canonical form, or false when the name is not a valid IDNA name (no trimming or other checks).</summary>
    public static bool TryAscii(string domain, out string ascii)
    {
        ArgumentNullException.ThrowIfNull(domain);
        try
        {
            ascii = Idn.GetAscii(domain.ToLowerInvariant()).ToLowerInvariant();
            return true;
        }
        catch (ArgumentException)
        {
            ascii = string.Empty;
            return false;
        }
    }
}
