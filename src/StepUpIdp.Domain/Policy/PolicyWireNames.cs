namespace StepUpIdp.Domain.Policy;

/// <summary>
/// The JSON spellings of the policy's enum values. Other software depends on
/// them, so they are written out rather than derived from the C# names.
/// </summary>
public static class PolicyWireNames
{
    public const string Required = "required";
    public const string Off = "off";
    public const string EmailOtp = "email_otp";
    public const string Totp = "totp";
    public const string Allow = "allow";
    public const string Block = "block";

    public static string ToWireName(this VerificationRequirement value) => value switch
    {
        VerificationRequirement.Required => Required,
        VerificationRequirement.Off => Off,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown verification requirement."),
    };

    public static string ToWireName(this VerificationMethod value) => value switch
    {
        VerificationMethod.EmailOtp => EmailOtp,
        VerificationMethod.Totp => Totp,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown verification method."),
    };

    public static string ToWireName(this ApiTokenAccess value) => value switch
    {
        ApiTokenAccess.Allow => Allow,
        ApiTokenAccess.Block => Block,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown API token access."),
    };

    // Exact, case-sensitive matches: the wire names are lower-case and "Required" is not the same token.
    public static bool TryParseRequirement(string? text, out VerificationRequirement value)
    {
        switch (text)
        {
            case Required: value = VerificationRequirement.Required; return true;
            case Off: value = VerificationRequirement.Off; return true;
            default: value = default; return false;
        }
    }

    public static bool TryParseMethod(string? text, out VerificationMethod value)
    {
        switch (text)
        {
            case EmailOtp: value = VerificationMethod.EmailOtp; return true;
            case Totp: value = VerificationMethod.Totp; return true;
            default: value = default; return false;
        }
    }

    public static bool TryParseApiTokenAccess(string? text, out ApiTokenAccess value)
    {
        switch (text)
        {
            case Allow: value = ApiTokenAccess.Allow; return true;
            case Block: value = ApiTokenAccess.Block; return true;
            default: value = default; return false;
        }
    }
}
