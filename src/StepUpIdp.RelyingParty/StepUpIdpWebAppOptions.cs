using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace StepUpIdp.RelyingParty;

/// <summary>Which of the app's authentication schemes <see cref="StepUpIdpServiceCollectionExtensions.AddStepUpIdpWebApp"/> hooks.</summary>
public sealed class StepUpIdpWebAppOptions
{
    /// <summary>The cookie scheme holding the signed-in user (default <c>Cookies</c>).</summary>
    public string CookieScheme { get; set; } = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The OpenIdConnect scheme pointed at StepUpIdp (default <c>OpenIdConnect</c>).</summary>
    public string OpenIdConnectScheme { get; set; } = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>
    /// How long an ended session is remembered after a back-channel logout; at least as long as the app's own
    /// sign-in sessions last (default 1 day).
    /// </summary>
    public TimeSpan EndedSessionMemory { get; set; } = TimeSpan.FromDays(1);
}
