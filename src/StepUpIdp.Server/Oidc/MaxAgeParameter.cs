using System.Globalization;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The <c>max_age</c> of an authorization request (OIDC Core 3.1.2.1): a whole number of seconds, zero or more. Anything
/// else is refused as <c>invalid_request</c> rather than ignored, since the app asked for a fresh sign-in and would
/// otherwise not get one. Beyond <see cref="Longest"/> there is no difference, so larger values count as that.
/// </summary>
public static class MaxAgeParameter
{
    public static readonly TimeSpan Longest = TimeSpan.FromDays(36_500);

    /// <summary>False when the request has a <c>max_age</c> that is not a whole number of seconds, zero or more.</summary>
    public static bool TryRead(OpenIddictRequest request, out TimeSpan? maxAge)
    {
        maxAge = null;
        if (request.GetParameter(Parameters.MaxAge) is not { } parameter)
        {
            return true;
        }

        if (!ulong.TryParse((string?)parameter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        maxAge = seconds >= (ulong)Longest.TotalSeconds ? Longest : TimeSpan.FromSeconds(seconds);
        return true;
    }
}
