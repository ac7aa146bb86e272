using System.Globalization;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Infrastructure.Redis.Verification;

/// <summary>
/// A verification record as a Redis string: <c>{unix milliseconds}:{method}</c>, e.g.
/// <c>1767225600000:email_otp</c>. Shared by the verification store and the passcode script.
/// </summary>
internal static class VerificationRecordFormat
{
    public static string Format(VerificationRecord record) =>
        record.VerifiedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + ":" + MethodName(record.Method);

    /// <summary>Returns null for anything it does not understand, so a damaged value never counts as verified.</summary>
    public static VerificationRecord? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var separator = value.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0
            || !long.TryParse(value.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var unixMs)
            || ParseMethod(value.AsSpan(separator + 1)) is not { } method)
        {
            return null;
        }

        return new VerificationRecord(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), method);
    }

    private static string MethodName(VerificationMethod method) => method switch
    {
        VerificationMethod.EmailOtp => "email_otp",
        VerificationMethod.Totp => "totp",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown verification method."),
    };

    private static VerificationMethod? ParseMethod(ReadOnlySpan<char> name) => name switch
    {
        "email_otp" => VerificationMethod.EmailOtp,
        "totp" => VerificationMethod.Totp,
        _ => null,
    };
}
