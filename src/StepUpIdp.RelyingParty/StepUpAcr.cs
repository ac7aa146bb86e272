namespace StepUpIdp.RelyingParty;

/// <summary>
/// The authentication context class references (<c>acr</c>) StepUpIdp issues, and their order:
/// <see cref="Basic"/> &lt; <see cref="Otp"/> &lt; <see cref="TwoStep"/>.
/// </summary>
/// <example>
/// <code>
/// StepUpAcr.Satisfies(actual: StepUpAcr.TwoStep, required: StepUpAcr.Otp); // true
/// StepUpAcr.Satisfies(actual: StepUpAcr.Basic, required: StepUpAcr.Otp);   // false
/// StepUpAcr.Satisfies(actual: "urn:other", required: StepUpAcr.Basic);     // false: unknown values never count
/// </code>
/// </example>
public static class StepUpAcr
{
    /// <summary>Signed in: a password, or a guest's emailed passcode alone. Also every token exchanged from an API token.</summary>
    public const string Basic = "urn:stepupidp:acr:basic";

    /// <summary>A one-time-passcode verification that counts under the organisation's policy.</summary>
    public const string Otp = "urn:stepupidp:acr:otp";

    /// <summary>A verification with an authenticator app (TOTP) that counts.</summary>
    public const string TwoStep = "urn:stepupidp:acr:2sv";

    /// <summary>Every value, weakest first (as the IdP's discovery lists them in <c>acr_values_supported</c>).</summary>
    public static IReadOnlyList<string> All { get; } = [Basic, Otp, TwoStep];

    /// <summary>Whether <paramref name="value"/> is one of the values above (exact, case-sensitive match).</summary>
    public static bool IsKnown(string? value) => Rank(value) > 0;

    /// <summary>
    /// Whether an authentication at <paramref name="actual"/> meets <paramref name="required"/>.
    /// An unknown or missing <paramref name="actual"/> meets nothing: the check fails closed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="required"/> is not a StepUpIdp value.</exception>
    public static bool Satisfies(string? actual, string required)
    {
        var requiredRank = Rank(required);
        if (requiredRank == 0)
        {
            throw new ArgumentException($"'{required}' is not a StepUpIdp acr value; use one of {string.Join(", ", All)}.", nameof(required));
        }

        return Rank(actual) >= requiredRank;
    }

    /// <summary>The stronger of two known values.</summary>
    internal static string Stronger(string first, string second) => Rank(second) > Rank(first) ? second : first;

    // 0 for anything not issued by StepUpIdp, so that it ranks below Basic.
    private static int Rank(string? value) => value switch
    {
        Basic => 1,
        Otp => 2,
        TwoStep => 3,
        _ => 0,
    };
}
