namespace StepUpIdp.Domain.Accounts;

/// <summary>Whether an account belongs to an organisation (internal) or comes from outside (external).</summary>
public enum UserType
{
    External = 0, // the default fails closed: unknown means the external-user policy applies
    Internal = 1,
}

public static class UserTypeNames
{
    public const string Internal = "internal";
    public const string External = "external";

    public static string ToClaimValue(this UserType type) => type == UserType.Internal ? Internal : External;
}
