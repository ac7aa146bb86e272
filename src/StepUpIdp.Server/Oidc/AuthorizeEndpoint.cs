using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.SignIn;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The authorization endpoint in OpenIddict's passthrough mode: OpenIddict has validated the protocol
/// request (client, redirect URI, PKCE, scopes); here the IdP decides whether the person must sign in
/// or verify first, and otherwise hands back the principal to sign into the code.
/// </summary>
internal static class AuthorizeEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http,
        AccountDirectory directory,
        TokenPrincipalFactory tokens,
        InteractionMarker marker,
        TimeProvider clock,
        ILogger<AuthorizeRequestLog> logger)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var cancellationToken = http.RequestAborted;

        var app = await directory.FindAppAsync(request.ClientId, cancellationToken);
        if (app is null)
        {
            return OidcResults.Error(Errors.UnauthorizedClient, "The application is not registered to an organisation.");
        }

        var now = clock.GetUtcNow();
        var interactionStartedAt = marker.Read(request.GetParameter(InteractionMarker.Parameter)?.ToString(), request.ClientId, request.State);
        var session = await http.AuthenticateAsync(SessionDefaults.Scheme);
        var accountId = session.Succeeded ? SessionPrincipal.AccountId(session.Principal!) : null;
        var authTime = session.Succeeded ? SessionPrincipal.AuthTime(session.Principal!) : null;

        var signInReason = SignInFreshness.Check(accountId, authTime, request.HasPromptValue(PromptValues.Login), MaxAge(request), interactionStartedAt, now);
        if (signInReason is not null)
        {
            AuthorizeRequestLog.SignInRequired(logger, request.ClientId!, signInReason);
            if (request.HasPromptValue(PromptValues.None))
            {
                return OidcResults.Error(Errors.LoginRequired, "The user must sign in.");
            }

            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = ReturnUrl(http, marker.Create(interactionStartedAt ?? now, request.ClientId, request.State)) },
                [SessionDefaults.Scheme]);
        }

        var subject = await directory.DescribeAsync(accountId!, app, cancellationToken);
        if (subject is null)
        {
            // The session names an account that no longer exists: end it and start over.
            await http.SignOutAsync(SessionDefaults.Scheme);
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = ReturnUrl(http, marker.Create(now, request.ClientId, request.State)) },
                [SessionDefaults.Scheme]);
        }

        if (subject.Role is null)
        {
            AuthorizeRequestLog.NotAssigned(logger, request.ClientId!, subject.AccountId);
            return OidcResults.Error(Errors.AccessDenied, $"The account has no access to {app.AppName}. Ask an administrator of {app.OrganisationName} to assign it.");
        }

        var authentication = new AuthenticationState(authTime!.Value, SessionPrincipal.Methods(session.Principal!), AcrLevel.Basic);
        var principal = tokens.ForUser(subject, app, authentication, request.GetScopes());
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static TimeSpan? MaxAge(OpenIddictRequest request) =>
        request.MaxAge is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>The same authorization request, to come back to after the interaction, carrying the marker.</summary>
    private static string ReturnUrl(HttpContext http, string interactionMarker)
    {
        // Form-posted authorization requests come back as a GET with the same parameters.
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source =
            http.Request.HasFormContentType ? http.Request.Form : http.Request.Query;
        var query = new QueryBuilder();
        foreach (var (name, values) in source)
        {
            if (name is InteractionMarker.Parameter)
            {
                continue;
            }

            foreach (var value in values)
            {
                query.Add(name, value ?? string.Empty);
            }
        }

        query.Add(InteractionMarker.Parameter, interactionMarker);
        return http.Request.PathBase + http.Request.Path + query.ToQueryString();
    }
}

internal sealed partial class AuthorizeRequestLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Authorization for {ClientId} needs a sign-in: {Reason}.")]
    public static partial void SignInRequired(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Account {AccountId} has no role on {ClientId}; access denied.")]
    public static partial void NotAssigned(ILogger logger, string clientId, string accountId);
}
