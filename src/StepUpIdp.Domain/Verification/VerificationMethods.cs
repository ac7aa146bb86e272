using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Verification;

/// <summary>
/// Everything the IdP needs to know about one way of verifying (docs/decisions.md, "External-user verification"): its wire name in policies
/// and stores, the <c>acr</c> it reaches, the RFC 8176 <c>amr</c> value it adds, and whether the person must
/// enrol something first. A new factor (WebAuthn, say) is one more entry here plus its check.
/// </summary>
public sealed record VerificationMethodInfo(VerificationMethod Method, string WireName, AcrLevel Acr, string Amr, bool NeedsEnrolment);

public static class VerificationMethods
{
    public static readonly VerificationMethodInfo EmailOtp =
        new(VerificationMethod.EmailOtp, PolicyWireNames.EmailOtp, AcrLevel.Otp, AuthenticationMethods.OneTimePasscode, NeedsEnrolment: false);

    public static readonly VerificationMethodInfo Totp =
        new(VerificationMethod.Totp, PolicyWireNames.Totp, AcrLevel.TwoStep, AuthenticationMethods.OneTimePasscode, NeedsEnrolment: true);

    public static readonly IReadOnlyList<VerificationMethodInfo> All = [EmailOtp, Totp];

    public static VerificationMethodInfo Describe(VerificationMethod method) =>
        All.FirstOrDefault(m => m.Method == method)
        ?? throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown verification method.");

    public static VerificationMethodInfo? FromWireName(ReadOnlySpan<char> wireName)
    {
        foreach (var method in All)
        {
            if (wireName.SequenceEqual(method.WireName))
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>The methods that reach at least <paramref name="level"/>.</summary>
    public static IReadOnlyList<VerificationMethod> Reaching(AcrLevel level) =>
        All.Where(m => m.Acr >= level).Select(m => m.Method).ToArray();
}
