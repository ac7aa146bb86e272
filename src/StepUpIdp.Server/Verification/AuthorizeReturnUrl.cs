using Microsoft.AspNetCore.WebUtilities;
using StepUpIdp.Server.Oidc;

namespace StepUpIdp.Server.Verification;

/// <summary>
/// The authorization request a verification page returns to. Only a local URL of the authorization
/// endpoint is accepted, so these pages cannot be turned into open redirectors.
/// </summary>
public static class AuthorizeReturnUrl
{
    public static bool IsValid(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl)
        && returnUrl.Length <= 8192
        && returnUrl.StartsWith(OidcServiceCollectionExtensions.AuthorizePath + "?", StringComparison.Ordinal)
        && !returnUrl.Contains('\\', StringComparison.Ordinal);

    public static string? ClientId(string returnUrl) =>
        QueryHelpers.ParseQuery(returnUrl[returnUrl.IndexOf('?')..]).TryGetValue("client_id", out var clientId) ? clientId.ToString() : null;
}
