namespace StepUpIdp.Domain.Accounts;

/// <summary>
/// Decides, per organisation, whether an account is internal or external.
/// </summary>
public static class AccountClassifier
{
    /// <summary>
    /// Internal when the email's domain is exactly one of the org's verified domains (case-insensitive);
    /// a subdomain does not count. Guests are always external, whatever their domain.
    /// </summary>
    public static UserType Classify(string email, IEnumerable<string> verifiedDomains, bool isGuest = false)
    {
        if (isGuest)
        {
            return UserType.External;
        }

        var domain = EmailAddress.DomainOf(email);
        if (domain is null)
        {
            return UserType.External;
        }

        foreach (var verified in verifiedDomains)
        {
            if (string.Equals(domain, verified.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return UserType.Internal;
            }
        }

        return UserType.External;
    }
}
