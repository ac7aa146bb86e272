using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Oidc;

/// <summary>RP-initiated logout: ends the IdP session, then OpenIddict redirects to the validated post-logout URI.</summary>
internal static class EndSessionEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http)
    {
        await http.SignOutAsync(SessionDefaults.Scheme);
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/account/signed-out" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
