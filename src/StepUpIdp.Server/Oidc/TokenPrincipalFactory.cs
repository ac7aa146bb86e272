using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Claims;
using StepUpIdp.Domain.Guests;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Turns the facts about a person on an app into the principal OpenIddict signs into ID and access tokens
///. The one place that decides which claim goes into which token.
/// </summary>
public sealed class TokenPrincipalFactory(IOptions<IdpOptions> options, TimeProvider clock)
{
    /// <param name="scopes">The scopes granted, which a refresh token keeps.</param>
    /// <param name="narrowedTo">
    /// At a refresh that asks for fewer scopes (RFC 6749 section 6): the scopes the new access and ID tokens are for. Their
    /// claims follow these (and the access token's audiences, <see cref="NarrowedRefreshAudiences"/>); the new refresh token
    /// keeps <paramref name="scopes"/>.
    /// </param>
    public ClaimsPrincipal ForUser(SubjectFacts subject, OrganisationApp app, AuthenticationState authentication, IEnumerable<string> scopes,
        IReadOnlyCollection<string>? narrowedTo = null)
    {
        var role = subject.Role ?? throw new InvalidOperationException("Tokens are only issued to accounts with a role on the app.");
        var identity = new ClaimsIdentity(
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);

        identity.SetClaim(Claims.Subject, subject.AccountId)
            .SetClaim(Claims.Email, subject.Email)
            .SetClaim(Claims.EmailVerified, subject.EmailVerified)
            .SetClaim(Claims.Name, subject.Name)
            .SetClaim(StepUpClaimTypes.Organisation, app.OrganisationId)
            .SetClaim(StepUpClaimTypes.UserType, subject.UserType.ToClaimValue())
            .SetClaim(StepUpClaimTypes.Role, role.ToClaimValue())
            .SetClaim(Claims.AuthenticationTime, authentication.AuthTime.ToUnixTimeSeconds())
            .SetClaim(Claims.AuthenticationContextReference, authentication.Acr.ToAcrValue());

        // RFC 8176: amr is always a JSON array, even with one value.
        identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, JsonSerializer.Serialize(authentication.Methods), JsonClaimValueTypes.JsonArray));

        if (subject.UserType == UserType.External)
        {
            identity.SetClaim(StepUpClaimTypes.ExternalPolicy, subject.ExternalPolicy.Id);
        }

        if (subject.IsGuest)
        {
            identity.SetClaim(StepUpClaimTypes.Guest, true);
            identity.AddClaim(new Claim(StepUpClaimTypes.Spaces, JsonSerializer.Serialize(subject.Spaces), JsonClaimValueTypes.JsonArray));
            if (subject.ReadOnlySpaces.Count > 0)
            {
                identity.AddClaim(new Claim(StepUpClaimTypes.SpacesReadOnly, JsonSerializer.Serialize(subject.ReadOnlySpaces), JsonClaimValueTypes.JsonArray));
            }
        }

        if (authentication.SessionId is { } sessionId)
        {
            // OIDC Back-Channel Logout 1.0 section 2.1: sid in ID tokens. Codes and refresh tokens keep it too (they hold
            // every claim), which binds the refresh-token chain to the session it started from.
            identity.SetClaim(SessionClaims.SessionId, sessionId);
            if (authentication.OfflineSession)
            {
                identity.SetClaim(SessionClaims.OfflineSession, true);
            }
        }

        if (authentication.VerifiedAt is { } verifiedAt && authentication.ReverifyAt is { } reverifyAt)
        {
            identity.SetClaim(StepUpClaimTypes.VerifiedAt, verifiedAt.ToUnixTimeSeconds());
            identity.SetClaim(StepUpClaimTypes.ReverifyAt, reverifyAt.ToUnixTimeSeconds());
        }

        var principal = new ClaimsPrincipal(identity);
        // Guests never get the directory scopes, at authorization or at refresh.
        principal.SetScopes(subject.IsGuest ? ScopePolicy.FilterForGuest(scopes) : scopes);
        var tokenScopes = narrowedTo is null ? principal.GetScopes() : [.. principal.GetScopes().Intersect(narrowedTo, StringComparer.Ordinal)];
        // RFC 9068: the access token names who may accept it: the app it was issued to, so an API cannot be handed
        // another app's (or another org's) token, and the IdP's own APIs only when their scopes were granted.
        principal.SetAudiences([.. IdpApi.AudiencesFor(app.ClientId, principal.GetScopes())]); // narrowed: NarrowedRefreshAudiences
        principal.SetAccessTokenLifetime(AccessTokenLifetime(subject.UserType, authentication.ReverifyAt));
        principal.SetDestinations(claim => DestinationsOf(claim, tokenScopes));
        return principal;
    }

    public ClaimsPrincipal ForClient(string clientId, OrganisationApp app, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(StepUpClaimTypes.Organisation, app.OrganisationId);

        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        principal.SetAudiences(clientId);
        principal.SetDestinations(static _ => [Destinations.AccessToken]);
        return principal;
    }

    /// <summary>
    /// An access token for an API-token exchange: who and in which role, at <c>acr</c> basic
    /// with no <c>amr</c> and no <c>auth_time</c> (nobody authenticated just now, so it never satisfies a step-up
    /// or <c>max_age</c> requirement), no scopes, and <c>api_token_id</c> naming the API token. Access token only.
    /// </summary>
    public ClaimsPrincipal ForApiToken(SubjectFacts subject, OrganisationApp app, string apiTokenId, TimeSpan lifetime)
    {
        var role = subject.Role ?? throw new InvalidOperationException("Tokens are only issued to accounts with a role on the app.");
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject.AccountId)
            .SetClaim(StepUpClaimTypes.Organisation, app.OrganisationId)
            .SetClaim(StepUpClaimTypes.UserType, subject.UserType.ToClaimValue())
            .SetClaim(StepUpClaimTypes.Role, role.ToClaimValue())
            .SetClaim(Claims.AuthenticationContextReference, AcrLevel.Basic.ToAcrValue())
            .SetClaim(StepUpClaimTypes.ApiTokenId, apiTokenId);
        if (subject.UserType == UserType.External)
        {
            identity.SetClaim(StepUpClaimTypes.ExternalPolicy, subject.ExternalPolicy.Id);
        }

        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(Array.Empty<string>());
        principal.SetAudiences(app.ClientId);
        principal.SetAccessTokenLifetime(lifetime);
        principal.SetDestinations(static _ => [Destinations.AccessToken]);
        return principal;
    }

    /// <summary>
    /// No access token may outlive the external user's verification, and external users' tokens are short, so that
    /// ending their access takes effect within minutes even at APIs that never call the IdP (docs/sessions.md).
    /// </summary>
    private TimeSpan AccessTokenLifetime(UserType userType, DateTimeOffset? reverifyAt)
    {
        var minutes = userType == UserType.External
            ? Math.Min(options.Value.ExternalAccessTokenLifetimeMinutes, options.Value.AccessTokenLifetimeMinutes)
            : options.Value.AccessTokenLifetimeMinutes;
        return ReverificationSchedule.CapTokenLifetime(clock.GetUtcNow(), TimeSpan.FromMinutes(minutes), reverifyAt);
    }

    private static IEnumerable<string> DestinationsOf(Claim claim, IReadOnlyCollection<string> scopes)
    {
        switch (claim.Type)
        {
            case Claims.Name:
                return scopes.Contains(Scopes.Profile) ? [Destinations.AccessToken, Destinations.IdentityToken] : [];

            case Claims.Email:
            case Claims.EmailVerified:
                return scopes.Contains(Scopes.Email) ? [Destinations.AccessToken, Destinations.IdentityToken] : [];

            case Claims.Subject:
            case Claims.AuthenticationTime:
            case Claims.AuthenticationContextReference:
            case Claims.AuthenticationMethodReference:
            case StepUpClaimTypes.Organisation:
            case StepUpClaimTypes.UserType:
            case StepUpClaimTypes.Role:
            case StepUpClaimTypes.Guest:
            case StepUpClaimTypes.Spaces:
            case StepUpClaimTypes.SpacesReadOnly:
            case StepUpClaimTypes.VerifiedAt:
            case StepUpClaimTypes.ReverifyAt:
            case StepUpClaimTypes.ExternalPolicy:
                return [Destinations.AccessToken, Destinations.IdentityToken];

            case SessionClaims.SessionId:
                return [Destinations.IdentityToken];

            // Anything else stays on the server: never leak internal claims into tokens by accident.
            default:
                return [];
        }
    }
}
