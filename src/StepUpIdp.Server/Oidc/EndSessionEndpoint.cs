using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Server.SignIn;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// RP-initiated logout (OIDC RP-Initiated Logout 1.0). OpenIddict has checked the request: a
/// <c>post_logout_redirect_uri</c> must be registered; an <c>id_token_hint</c> must be one of our ID tokens, expired ones
/// included (<see cref="RefuseInvalidLogoutHint"/>). A logout
/// request is a cross-site request by nature, so the session ends only when the request proves it comes from an app
/// of this person (an <c>id_token_hint</c> for the signed-in account) or the person confirms on our own,
/// CSRF-protected page (section 2, "the OP SHOULD ask the End-User whether to log out"). A hint for another account
/// is refused outright. Ending the session sends the back-channel logouts (docs/sessions.md).
/// </summary>
internal static class EndSessionEndpoint
{
    /// <summary>The field the confirmation page posts back with the original parameters.</summary>
    public const string ConfirmField = "stepup_confirm";
    public const string ConfirmPath = "/account/end-session";

    public static async Task<IResult> HandleAsync(HttpContext http, SignInSessions sessions, IAntiforgery antiforgery)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var current = await sessions.CurrentAsync(http);
        var hint = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var hintSubject = hint.Principal?.GetClaim(Claims.Subject);

        if (current is not null && hintSubject is not null && hintSubject != current.AccountId)
        {
            // The app believes someone else is signed in here: never sign this person out on its say-so.
            return Results.Redirect(ConfirmPath + "?mismatch=1");
        }

        if (current is not null)
        {
            var confirmed = hintSubject is not null
                || (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType
                    && http.Request.Form[ConfirmField] == "yes" && await antiforgery.IsRequestValidAsync(http));
            if (!confirmed)
            {
                return Results.Redirect(ConfirmPath + LogoutParameters(http));
            }

            await sessions.SignOutAsync(http);
        }

        // OpenIddict redirects to the validated post_logout_redirect_uri (with state), or to our own page.
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/account/signed-out" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>The logout request's own parameters, to show on the confirmation page and post back.</summary>
    private static string LogoutParameters(HttpContext http)
    {
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source =
            http.Request.HasFormContentType ? http.Request.Form : http.Request.Query;
        var query = new QueryBuilder();
        foreach (var (name, values) in source)
        {
            if (name is Parameters.ClientId or Parameters.PostLogoutRedirectUri or Parameters.State or Parameters.UiLocales or "logout_hint")
            {
                foreach (var value in values)
                {
                    query.Add(name, value ?? string.Empty);
                }
            }
        }

        return query.ToQueryString().ToString();
    }
}

/// <summary>
/// OpenIddict checks an end-session request's <c>id_token_hint</c> but treats one that fails as absent; RP-Initiated
/// Logout 1.0 section 2 says the OP MUST validate it, so a hint that is not one of our ID tokens ends the request with
/// <c>invalid_request</c> on the error page (there is no app to send an error back to). Expired hints of ours pass:
/// OpenIddict does not check the lifetime of a hint.
/// </summary>
public sealed class RefuseInvalidLogoutHint : OpenIddict.Server.IOpenIddictServerHandler<OpenIddict.Server.OpenIddictServerEvents.ValidateEndSessionRequestContext>
{
    public static OpenIddict.Server.OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddict.Server.OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddict.Server.OpenIddictServerEvents.ValidateEndSessionRequestContext>()
            .UseSingletonHandler<RefuseInvalidLogoutHint>()
            .SetOrder(OpenIddict.Server.OpenIddictServerHandlers.Session.ValidateAuthentication.Descriptor.Order + 500)
            .SetType(OpenIddict.Server.OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddict.Server.OpenIddictServerEvents.ValidateEndSessionRequestContext context)
    {
        if (context.Request.IdTokenHint is not null && context.IdentityTokenHintPrincipal is null)
        {
            context.Reject(Errors.InvalidRequest, "The 'id_token_hint' is not an ID token issued by this server.");
        }

        return ValueTask.CompletedTask;
    }
}
