using Microsoft.AspNetCore.Authorization;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// An authorization requirement: the principal authenticated at least at <see cref="MinimumAcr"/>
/// and/or no longer ago than <see cref="MaxAge"/>. Principals from API-token exchange
/// (<c>api_token_id</c>) never meet it.
/// </summary>
/// <remarks>
/// Add it with <see cref="StepUpAuthorizationPolicyBuilderExtensions.RequireAcr"/> or
/// <see cref="StepUpAuthorizationPolicyBuilderExtensions.RequireRecentAuthentication"/>. When it is not
/// met, the library answers with a step-up challenge instead of a 403: a redirect to the IdP in a web
/// app, RFC 9470's <c>WWW-Authenticate</c> in an API.
/// </remarks>
public sealed class StepUpRequirement : IAuthorizationRequirement
{
    /// <summary>Creates a requirement; at least one of the two conditions must be given.</summary>
    /// <param name="minimumAcr">The weakest acceptable <see cref="StepUpAcr"/> value, or null for any.</param>
    /// <param name="maxAge">The longest acceptable time since <c>auth_time</c>, in whole seconds (at least one), or null for any.</param>
    /// <exception cref="ArgumentException">Neither condition is given, the acr is unknown, or the age is not a positive number of whole seconds.</exception>
    public StepUpRequirement(string? minimumAcr, TimeSpan? maxAge)
    {
        if (minimumAcr is null && maxAge is null)
        {
            throw new ArgumentException("A step-up requirement needs a minimum acr, a maximum authentication age, or both.");
        }

        if (minimumAcr is not null && !StepUpAcr.IsKnown(minimumAcr))
        {
            throw new ArgumentException($"'{minimumAcr}' is not a StepUpIdp acr value; use one of {string.Join(", ", StepUpAcr.All)}.", nameof(minimumAcr));
        }

        // max_age is whole seconds on the wire (OIDC Core 3.1.2.1, RFC 9470 section 3). Zero can never be met: the
        // page or API call that checks it comes after the sign-in it asked for, so the person would be sent to sign
        // in again and again (an app that wants a fresh sign-in each time sends prompt=login itself).
        if (maxAge is { } age && (age <= TimeSpan.Zero || age.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentException(
                $"The maximum authentication age must be a positive number of whole seconds, not {age}: zero could never be met by the request that follows the sign-in.",
                nameof(maxAge));
        }

        MinimumAcr = minimumAcr;
        MaxAge = maxAge;
    }

    /// <summary>The weakest acceptable acr, or null when any authentication level will do.</summary>
    public string? MinimumAcr { get; }

    /// <summary>The longest acceptable time since the person authenticated, or null when any age will do.</summary>
    public TimeSpan? MaxAge { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"StepUpRequirement: acr at least {MinimumAcr ?? "any"}, authenticated within {(MaxAge is { } age ? $"{age.TotalSeconds:0} s" : "any time")}";
}
