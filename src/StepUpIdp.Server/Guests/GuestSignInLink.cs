using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Guests;

/// <summary>The guest sign-in page of an app: the link in the invitation email, or the way back to an authorization request.</summary>
public static class GuestSignInLink
{
    public static Uri For(HttpRequest request, IdpOptions idp, string clientId)
    {
        var root = idp.Issuer ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        return For(root, clientId);
    }

    public static Uri For(Uri root, string clientId) => new(root, "account/guest?app=" + Uri.EscapeDataString(clientId));

    /// <summary>The guest sign-in page for an authorization request, which it returns to once the passcode is right.</summary>
    public static string ForAuthorization(string authorizeUrl) => "/account/guest?returnUrl=" + Uri.EscapeDataString(authorizeUrl);
}
