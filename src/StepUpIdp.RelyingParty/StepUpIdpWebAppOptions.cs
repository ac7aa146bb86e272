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
}
