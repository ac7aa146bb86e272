using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;

namespace StepUpIdp.Server.Oidc;

/// <summary>How passthrough endpoints hand an OAuth error back to OpenIddict, which writes it per the RFCs.</summary>
public static class OidcResults
{
    public static IResult Error(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
