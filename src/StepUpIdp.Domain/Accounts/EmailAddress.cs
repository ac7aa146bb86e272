namespace StepUpIdp.Domain.Accounts;

/// <summary>Small, deliberate rules about email addresses; no attempt at full RFC 5322 parsing.</summary>
public static class EmailAddress
{
    public const int MaxLength = 254; // RFC 5321 path limit

    /// <summary>The canonical form used for look-ups: trimmed and upper-cased invariantly.</summary>
    public static string Normalize(string email) => email.Trim().ToUpperInvariant();

    /// <summary>The part after the last '@', or null when the address has none or it is empty.</summary>
    public static string? DomainOf(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return null;
        }

        return email[(at + 1)..].Trim();
    }

    /// <summary>A plausible address: one '@', a local part, a dotted domain, no spaces or control characters.</summary>
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
        return domain.Contains('.') && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..");
    }
}
