namespace StepUpIdp.Domain.Authentication;

/// <summary>RFC 8176 authentication method reference values used by StepUpIdp.</summary>
public static class AuthenticationMethods
{
    public const string Password = "pwd";
    public const string OneTimePasscode = "otp";
    public const string MultipleFactors = "mfa";
}
