namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>Bound from the <c>Passcodes</c> configuration section.</summary>
public sealed class PasscodeOptions
{
    public const string SectionName = "Passcodes";

    /// <summary>Base64 key of at least 32 bytes for HMAC-SHA256 of passcodes (and of unknown emails).</summary>
    public string HmacKey { get; set; } = "";
}
