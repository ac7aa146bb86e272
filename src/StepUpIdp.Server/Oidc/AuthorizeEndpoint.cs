using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TwoStep;
using StepUpIdp.Server.Verification;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The authorization endpoint in OpenIddict's passthrough mode. OpenIddict has validated the protocol
/// request (client, redirect URI, PKCE, scopes); here the IdP gathers the facts, asks
/// <see cref="SignInRequirements"/> what must happen, and acts: sign-in page, passcode page, OAuth
/// error, or the principal to sign into the authorization code.
/// </summary>
internal static class AuthorizeEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http,
        AccountDirectory directory,
        SignInSessions sessions,
        TokenPrincipalFactory tokens,
        InteractionMarker marker,
        GuestSignInGate guests,
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

        if (!MaxAgeParameter.TryRead(request, out var maxAge))
        {
            return OidcResults.Error(Errors.InvalidRequest, "The 'max_age' parameter must be a whole number of seconds, zero or more.");
        }

        // OpenIddict checks an id_token_hint but lets a bad one through as if absent; an app that sent one relies on it
        // (prompt=none for the person it names), so a hint that is not one of our ID tokens is refused.
        var hint = request.IdTokenHint is null ? null
            : (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal?.GetClaim(Claims.Subject);
        if (request.IdTokenHint is not null && hint is null)
        {
            return OidcResults.Error(Errors.InvalidRequest, "The 'id_token_hint' is not an ID token issued by this server.");
        }

        var now = clock.GetUtcNow();
        var interactionStartedAt = marker.Read(request.GetParameter(InteractionMarker.Parameter)?.ToString(), request.ClientId, request.State);
        string ContinueUrl() => ReturnUrl(http, marker.Create(interactionStartedAt ?? now, request.ClientId, request.State));
        IResult Unavailable() => request.HasPromptValue(PromptValues.None)
            ? OidcResults.Error(Errors.TemporarilyUnavailable, "Verification is temporarily unavailable. Try again in a few minutes.")
            : Results.Redirect("/account/verification-unavailable?returnUrl=" + Uri.EscapeDataString(ContinueUrl()));

        var session = await sessions.CurrentAsync(http);
        var subject = session is null ? null : await directory.DescribeAsync(session.AccountId, app, cancellationToken);
        if (session is not null && subject is null)
        {
            // The session names an account that no longer exists: end it and start over.
            await sessions.SignOutAsync(http);
            session = null;
        }

        var policyApplies = subject is not null && PolicyApplies(subject, app);
        // Gather the facts; every rule is in SignInRequirements.
        var facts = SessionSignInFacts.For(session, subject, app, now, interactionStartedAt, SignInSessions.StoreWasUnavailable(http)) with
        {
            PromptLogin = request.HasPromptValue(PromptValues.Login),
            PromptNone = request.HasPromptValue(PromptValues.None),
            MaxAge = maxAge,
            RequestedAcrValues = request.GetAcrValues().ToList(),
            MinimumAcr = request.HasScope(StepUpIdp.Domain.Claims.StepUpScopes.Admin) ? AcrLevel.Otp : null,
            HintNamesAnotherAccount = hint is not null && subject is not null && !string.Equals(hint, subject.AccountId, StringComparison.Ordinal),
            EnrolmentDeclined = TwoStepInteraction.EnrolmentDeclined(request),
        };
        var decision = SignInRequirements.Evaluate(facts);

        switch (decision)
        {
            case SignInDecision.RequireSignIn signIn:
                AuthorizeRequestLog.SignInRequired(logger, request.ClientId!, signIn.Reason);
                return Results.Challenge(new AuthenticationProperties { RedirectUri = ContinueUrl() }, [SessionDefaults.Scheme]);

            case SignInDecision.Deny deny:
                AuthorizeRequestLog.Denied(logger, request.ClientId!, deny.Error, deny.Description);
                return OidcResults.Error(deny.Error, deny.Description);

            case SignInDecision.Unavailable unavailable:
                AuthorizeRequestLog.Unavailable(logger, request.ClientId!, unavailable.Reason);
                return Results.Redirect("/account/verification-unavailable?returnUrl=" + Uri.EscapeDataString(ContinueUrl()));

            case SignInDecision.NotAssigned:
                AuthorizeRequestLog.NotAssigned(logger, request.ClientId!, subject!.AccountId);
                return OidcResults.Error(Errors.AccessDenied, $"The account has no access to {app.AppName}. Ask an administrator of {app.OrganisationName} to assign it.");

            case SignInDecision.RefuseGuest refuse:
                return await guests.RefuseAsync(subject!, app, refuse.Reason, request.HasPromptValue(PromptValues.None), ContinueUrl(), cancellationToken);

            case SignInDecision.RequireGuestSignIn guestSignIn:
                AuthorizeRequestLog.SignInRequired(logger, request.ClientId!, guestSignIn.Reason);
                return Results.Redirect(GuestSignInLink.ForAuthorization(ContinueUrl()));

            case SignInDecision.RequireVerification verify:
                VerificationLog.VerificationRequired(logger, request.ClientId!, verify.Reason);
                return Results.Redirect(TwoStepInteraction.VerifyUrl(verify.Methods, ContinueUrl()));

            case SignInDecision.RequireEnrolment enrol:
                VerificationLog.VerificationRequired(logger, request.ClientId!, enrol.Reason);
                return Results.Redirect(TwoStepInteraction.EnrolUrl(ContinueUrl()));

            case SignInDecision.Proceed proceed:
                var authentication = new AuthenticationState(
                    session!.AuthTime,
                    AmrValues.For(session.Methods, proceed.Acr),
                    proceed.Acr,
                    SessionId: session.SessionId,
                    OfflineSession: session.IsOffline);
                if (policyApplies && proceed.Verification is VerificationStatus.Counting counting)
                {
                    authentication = authentication with { VerifiedAt = counting.VerifiedAt, ReverifyAt = counting.ReverifyAt };
                }

                try
                {
                    await sessions.RecordClientAsync(session, app.ClientId);
                }
                catch (StepUpIdp.Infrastructure.Redis.VerificationStoreUnavailableException)
                {
                    // Without the record this app would miss the back-channel logout: issue nothing rather than that.
                    return Unavailable();
                }

                await guests.RecordSignInAsync(subject!, app, cancellationToken);
                var principal = tokens.ForUser(subject!, app, authentication, request.GetScopes());
                return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

            default:
                throw new InvalidOperationException($"Unhandled sign-in decision {decision.GetType().Name}.");
        }
    }

    /// <summary>The external-user policy applies to external users (guests included) on enforced apps (docs/decisions.md, "External-user verification").</summary>
    public static bool PolicyApplies(SubjectFacts subject, OrganisationApp app) => subject.PolicyAppliesOn(app.Enforcement);

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

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Authorization for {ClientId} denied: {Error} ({Description}).")]
    public static partial void Denied(ILogger logger, string clientId, string error, string description);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Authorization for {ClientId} is temporarily unavailable: {Reason}.")]
    public static partial void Unavailable(ILogger logger, string clientId, string reason);
}
