using Microsoft.AspNetCore.Authorization;

namespace StepUpIdp.RelyingParty;

/// <summary>Adds <see cref="StepUpRequirement"/>s to authorization policies.</summary>
/// <example>
/// <code>
/// builder.Services.AddAuthorization(options =>
///     options.AddPolicy("payments", policy => policy
///         .RequireAuthenticatedUser()
///         .RequireAcr(StepUpAcr.Otp)
///         .RequireRecentAuthentication(TimeSpan.FromMinutes(10))));
///
/// app.MapPost("/payments", Pay).RequireAuthorization("payments");
/// </code>
/// </example>
public static class StepUpAuthorizationPolicyBuilderExtensions
{
    /// <summary>
    /// Requires the token's <c>acr</c> to be at least <paramref name="minimumAcr"/>
    /// (<see cref="StepUpAcr.Basic"/> &lt; <see cref="StepUpAcr.Otp"/> &lt; <see cref="StepUpAcr.TwoStep"/>).
    /// A web app then sends a person who falls short to the IdP with <c>acr_values</c>; an API answers
    /// 401 with <c>error="insufficient_user_authentication"</c> and <c>acr_values</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="minimumAcr"/> is not a <see cref="StepUpAcr"/> value.</exception>
    public static AuthorizationPolicyBuilder RequireAcr(this AuthorizationPolicyBuilder builder, string minimumAcr)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(minimumAcr);
        return builder.AddRequirements(new StepUpRequirement(minimumAcr, null));
    }

    /// <summary>
    /// Requires the person to have authenticated at the IdP (<c>auth_time</c>) no more than
    /// <paramref name="maxAge"/> ago. Falling short sends a web app's user to the IdP with <c>max_age</c>;
    /// an API answers 401 with <c>error="insufficient_user_authentication"</c> and <c>max_age</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="maxAge"/> is not a positive number of whole seconds.</exception>
    public static AuthorizationPolicyBuilder RequireRecentAuthentication(this AuthorizationPolicyBuilder builder, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(new StepUpRequirement(null, maxAge));
    }
}
