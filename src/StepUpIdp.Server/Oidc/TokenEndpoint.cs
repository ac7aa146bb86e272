using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Claims;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.Tenancy;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The token endpoint in passthrough mode. OpenIddict has authenticated the client and validated the
/// code or refresh token; here the IdP re-checks the person against the directory as it is now, so a
/// removed role or account stops working at the next refresh.
/// </summary>
internal static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http, AccountDirectory directory, TokenPrincipalFactory tokens, SessionTokenCheck sessions, TimeProvider clock)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var cancellationToken = http.RequestAborted;

        var app = await directory.FindAppAsync(request.ClientId, cancellationToken);
        if (app is null)
        {
            return OidcResults.Error(Errors.UnauthorizedClient, "The application is not registered to an organisation.");
        }

        if (request.IsClientCredentialsGrantType())
        {
            return SignIn(tokens.ForClient(request.ClientId!, app, request.GetScopes()));
        }

        if (request.IsTokenExchangeGrantType())
        {
            return await ApiTokens.ApiTokenExchange.HandleAsync(http, request, app);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var granted = result.Principal;
            var accountId = granted?.GetClaim(Claims.Subject);
            if (granted is null || accountId is null)
            {
                return OidcResults.Error(Errors.InvalidGrant, "The token is no longer valid.");
            }

            var subject = await directory.DescribeAsync(accountId, app, cancellationToken);
            if (subject is null || subject.Role is null)
            {
                return OidcResults.Error(Errors.InvalidGrant, "The account no longer has access to this application.");
            }

            if (GuestSignInGate.Refusal(subject, clock.GetUtcNow()) is { } guestRefusal)
            {
                return OidcResults.Error(Errors.InvalidGrant, $"Guest access to {app.AppName} is not granted: {GuestSignInGate.Describe(guestRefusal)}.");
            }

            var authentication = AuthenticationFrom(granted);
            // The code or refresh token is only as good as the sign-in session it came from (docs/sessions.md).
            var check = await sessions.CheckAsync(accountId, authentication, app, subject.ExternalPolicy.Policy, AuthorizeEndpoint.PolicyApplies(subject, app),
                isRefresh: request.IsRefreshTokenGrantType(), http);
            switch (check)
            {
                case SessionTokenCheck.Result.Unavailable:
                    return OidcResults.Error(Errors.TemporarilyUnavailable, "Verification is temporarily unavailable. Try again in a few minutes.");
                case SessionTokenCheck.Result.Refused refused:
                    return OidcResults.Error(Errors.InvalidGrant, refused.Description);
                case SessionTokenCheck.Result.Valid { Verification: VerificationStatus.Counting counting }:
                    authentication = authentication with
                    {
                        Acr = ReverificationSchedule.AcrAtRefresh(authentication.Acr, counting),
                        VerifiedAt = counting.VerifiedAt,
                        ReverifyAt = counting.ReverifyAt,
                    };
                    break;
            }

            // A refresh may ask for fewer scopes: OpenIddict narrows the access token's scope, the claims and audiences follow.
            var narrowedTo = request.IsRefreshTokenGrantType() && !string.IsNullOrEmpty(request.Scope) ? request.GetScopes() : (IReadOnlyCollection<string>?)null;
            return SignIn(tokens.ForUser(subject, app, authentication, granted.GetScopes(), narrowedTo));
        }

        return OidcResults.Error(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    /// <summary>What the original sign-in established; a refresh never upgrades it.</summary>
    private static AuthenticationState AuthenticationFrom(System.Security.Claims.ClaimsPrincipal granted)
    {
        var acr = AcrValues.TryParse(granted.GetClaim(Claims.AuthenticationContextReference), out var level) ? level : AcrLevel.Basic;
        return new AuthenticationState(
            UnixTime(granted, Claims.AuthenticationTime) ?? DateTimeOffset.UnixEpoch,
            MethodsOf(granted),
            acr,
            UnixTime(granted, StepUpClaimTypes.VerifiedAt),
            UnixTime(granted, StepUpClaimTypes.ReverifyAt),
            granted.GetClaim(SessionClaims.SessionId),
            granted.GetClaim(SessionClaims.OfflineSession) is "true" or "True");
    }

    private static DateTimeOffset? UnixTime(System.Security.Claims.ClaimsPrincipal principal, string claim) =>
        long.TryParse(principal.GetClaim(claim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static IReadOnlyList<string> MethodsOf(System.Security.Claims.ClaimsPrincipal granted)
    {
        // amr was signed in as a JSON array; OpenIddict hands it back as one claim per value.
        return granted.GetClaims(Claims.AuthenticationMethodReference).ToList();
    }

    private static IResult SignIn(System.Security.Claims.ClaimsPrincipal principal) =>
        Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
}
