using StepUpIdp.Domain.Organisations;

namespace StepUpIdp.Domain.Accounts;

/// <summary>
/// Small, deliberate rules about email addresses; no attempt at full RFC 5322 parsing. The domain part of every
/// address is kept in its canonical form, lower-case ASCII (<see cref="DomainName"/>, as verified domains are kept): an
/// address typed with <c>bücher.example</c> is the address at <c>xn--bcher-kva.example</c>, one account that classifies
/// and matches policies the same whichever form was typed (docs/admin-guide.md, "People").
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254; // RFC 5321 path limit

    /// <summary>
    /// The form an address is stored and shown in: trimmed, its domain in lower-case ASCII. The local part is kept as
    /// typed. An address whose domain is no IDNA name keeps its domain lower-cased (such an address is not plausible).
    /// </summary>
    public static string Canonical(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var trimmed = email.Trim();
        var at = trimmed.LastIndexOf('@');
        if (at < 0)
        {
            return trimmed;
        }

        return $"{trimmed[..at]}@{CanonicalDomain(trimmed[(at + 1)..])}";
    }

    /// <summary>The form used for look-ups: the canonical form upper-cased invariantly.</summary>
    public static string Normalize(string email) => Canonical(email).ToUpperInvariant();

    /// <summary>The canonical domain (after the last '@'), or null when the address has none or it is empty.</summary>
    public static string? DomainOf(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return null;
        }

        var domain = email[(at + 1)..].Trim();
        return domain.Length == 0 ? null : CanonicalDomain(domain);
    }

    /// <summary>
    /// A plausible address: one '@', a local part, a dotted domain that is a valid IDNA name, no spaces or control
    /// characters.
    /// </summary>
    public static bool IsPlausible(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > MaxLength)
        {
            return false;
        }

        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1)
        {
            return false;
        }

        foreach (var c in email)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or ',' or ';')
            {
                return false;
            }
        }

        var domain = email[(at + 1)..];
        return domain.Contains('.') && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..")
            && DomainName.TryAscii(domain, out var ascii) && at + 1 + ascii.Length <= MaxLength;
    }

    private static string CanonicalDomain(string domain) =>
        DomainName.TryAscii(domain, out var ascii) ? ascii : domain.ToLowerInvariant();
}
