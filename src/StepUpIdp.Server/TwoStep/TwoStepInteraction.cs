using OpenIddict.Abstractions;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Server.TwoStep;

/// <summary>Where the authorize endpoint sends a person for two-step verification, and how it learns that enrolment was declined.</summary>
public static class TwoStepInteraction
{
    public const string EnrolPath = "/account/authenticator";
    public const string VerifyPath = "/account/verify-authenticator";
    public const string EmailedCodePath = "/account/verify";

    /// <summary>
    /// Added to the authorization request by the "Not now" button of the enrolment page. It can only make the
    /// request fail for the person who pressed it, so it needs no protection.
    /// </summary>
    public const string DeclinedParameter = "stepup_enrolment";
    public const string DeclinedValue = "declined";

    /// <summary>The authenticator page when an authenticator counts (the stronger method goes first), else the emailed-code page.</summary>
    public static string VerifyUrl(IReadOnlyList<VerificationMethod> methods, string returnUrl)
    {
        var escaped = Uri.EscapeDataString(returnUrl);
        if (!methods.Contains(VerificationMethod.Totp))
        {
            return EmailedCodePath + "?returnUrl=" + escaped;
        }

        return VerifyPath + "?returnUrl=" + escaped + (methods.Contains(VerificationMethod.EmailOtp) ? "&email=allowed" : string.Empty);
    }

    public static bool EnrolmentDeclined(OpenIddictRequest request) =>
        request.GetParameter(DeclinedParameter)?.ToString() == DeclinedValue;

    public static string EnrolUrl(string returnUrl) => EnrolPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl);
}
