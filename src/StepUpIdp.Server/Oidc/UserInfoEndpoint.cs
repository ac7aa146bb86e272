using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Domain.Claims;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>OIDC Core 5.3: the claims of the access token's subject, filtered by the scopes it was granted.</summary>
internal static class UserInfoEndpoint
{
    private static readonly string[] CustomClaims =
    [
        StepUpClaimTypes.Organisation, StepUpClaimTypes.UserType, StepUpClaimTypes.Role, StepUpClaimTypes.Guest,
        StepUpClaimTypes.Spaces, StepUpClaimTypes.SpacesReadOnly, StepUpClaimTypes.VerifiedAt, StepUpClaimTypes.ReverifyAt, StepUpClaimTypes.ExternalPolicy,
        Claims.AuthenticationContextReference, Claims.AuthenticationMethodReference, Claims.AuthenticationTime,
    ];

    public static async Task<IResult> HandleAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal;
        if (principal?.GetClaim(Claims.Subject) is not { } subject)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is not valid.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        if (!principal.HasScope(Scopes.OpenId))
        {
            // OIDC Core 5.3: userinfo answers for a person's OpenID sign-in, not for a machine's or an API token's token.
            return OidcResults.Error(Errors.InsufficientScope, "The access token was not issued with the openid scope.");
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = subject };
        if (principal.HasScope(Scopes.Profile) && principal.GetClaim(Claims.Name) is { } name)
        {
            claims[Claims.Name] = name;
        }

        if (principal.HasScope(Scopes.Email) && principal.GetClaim(Claims.Email) is { } email)
        {
            claims[Claims.Email] = email;
            claims[Claims.EmailVerified] = principal.GetClaim(Claims.EmailVerified) == "true";
        }

        foreach (var type in CustomClaims)
        {
            var values = principal.GetClaims(type);
            if (values.IsDefaultOrEmpty)
            {
                continue;
            }

            claims[type] = type switch
            {
                Claims.AuthenticationMethodReference or StepUpClaimTypes.Spaces or StepUpClaimTypes.SpacesReadOnly => values.ToArray(),
                StepUpClaimTypes.Guest => values[0] == "true",
                StepUpClaimTypes.VerifiedAt or StepUpClaimTypes.ReverifyAt or Claims.AuthenticationTime => long.Parse(values[0], System.Globalization.CultureInfo.InvariantCulture),
                _ => values[0],
            };
        }

        return Results.Ok(claims);
    }
}
