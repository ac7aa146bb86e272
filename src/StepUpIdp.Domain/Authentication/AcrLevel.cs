namespace StepUpIdp.Domain.Authentication;

/// <summary>Authentication context classes, weakest first.</summary>
public enum AcrLevel
{
    Basic = 1,
    Otp = 2,
    TwoStep = 3,
}

public static class AcrValues
{
    public const string Basic = "urn:stepupidp:acr:basic";
    public const string Otp = "urn:stepupidp:acr:otp";
    public const string TwoStep = "urn:stepupidp:acr:2sv";

    /// <summary>Every supported value, weakest first, as discovery lists them.</summary>
    public static readonly IReadOnlyList<string> Supported = [Basic, Otp, TwoStep];

    public static string ToAcrValue(this AcrLevel level) => level switch
    {
        AcrLevel.Basic => Basic,
        AcrLevel.Otp => Otp,
        AcrLevel.TwoStep => TwoStep,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown ACR level."),
    };

    public static bool TryParse(string? value, out AcrLevel level)
    {
        switch (value)
        {
            case Basic: level = AcrLevel.Basic; return true;
            case Otp: level = AcrLevel.Otp; return true;
            case TwoStep: level = AcrLevel.TwoStep; return true;
            default: level = default; return false;
        }
    }
}
