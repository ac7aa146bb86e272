using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Server.TwoStep;

/// <summary>Settings of the <c>TwoStep</c> section.</summary>
public sealed class TwoStepOptions
{
    public const string Section = "TwoStep";

    /// <summary>The name authenticator apps show next to the account (the otpauth URI's issuer).</summary>
    [Required, MinLength(1), MaxLength(64), RegularExpression("^[^:]+$", ErrorMessage = "TwoStep:Issuer must not contain ':'.")]
    public string Issuer { get; set; } = "StepUpIdp";
}
