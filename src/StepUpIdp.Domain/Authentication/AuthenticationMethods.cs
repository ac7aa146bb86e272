namespace StepUpIdp.Domain.Authentication;

/// <summary>RFC 8176 authentication method reference values used by StepUpIdp.</summary>
public static class AuthenticationMethods
{
    public const string Password = "pwd";
    public const string OneTimePasscode = "otp";
    public const string MultipleFactors = "mfa";
}

/// <summary>The <c>amr</c> values a token carries for a sign-in (RFC 8176).</summary>
public static class AmrValues
{
    /// <summary>
    /// The session's own methods, plus <c>otp</c> when a one-time passcode lifted the level above Basic, plus
    /// <c>mfa</c> when that makes two different factors (a password and a passcode).
    /// </summary>
    public static IReadOnlyList<string> For(IEnumerable<string> sessionMethods, AcrLevel achieved)
    {
        var methods = sessionMethods.Distinct(StringComparer.Ordinal).ToList();
        if (achieved > AcrLevel.Basic && !methods.Contains(AuthenticationMethods.OneTimePasscode))
        {
            methods.Add(AuthenticationMethods.OneTimePasscode);
        }

        if (methods.Contains(AuthenticationMethods.Password) && methods.Contains(AuthenticationMethods.OneTimePasscode)
            && !methods.Contains(AuthenticationMethods.MultipleFactors))
        {
            methods.Add(AuthenticationMethods.MultipleFactors);
        }

        return methods;
    }
}
