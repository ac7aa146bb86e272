using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// Receives OIDC Back-Channel Logout 1.0 logout tokens from StepUpIdp and ends the matching local sessions. The
/// ended sessions are remembered in the app's <see cref="IDistributedCache"/>, so with a shared cache (Redis, SQL
/// Server) every node of the app ends them; with the in-memory default only the node that received the token does.
/// </summary>
public sealed class BackChannelLogout(
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<StepUpIdpWebAppOptions> options,
    IDistributedCache cache,
    TimeProvider clock,
    ILogger<BackChannelLogout> logger)
{
    /// <summary>The event a logout token must carry (section 2.4).</summary>
    public const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private const string KeyPrefix = "stepupidp:bcl:";
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };
    private readonly SemaphoreSlim _replayCheck = new(1, 1);

    /// <summary>
    /// Validates a logout token (section 2.6): signature by the IdP's keys, <c>typ</c> <c>logout+jwt</c> when present,
    /// <c>iss</c>, <c>aud</c> = this app's client id, <c>iat</c> and <c>exp</c>, an <c>events</c> object with the
    /// logout event, a <c>sid</c> or <c>sub</c>, no <c>nonce</c>, and a <c>jti</c> not seen before. On success the
    /// session it names counts as ended.
    /// </summary>
    /// <returns>Null on success; otherwise why the token was refused (for the log, never shown to the caller).</returns>
    public async Task<string?> ReceiveAsync(string? logoutToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(logoutToken) || logoutToken.Length > 16_384)
        {
            return "no logout_token";
        }

        var scheme = oidc.Get(options.Value.OpenIdConnectScheme);
        if (scheme.ConfigurationManager is null)
        {
            return "the OpenIdConnect scheme is not configured";
        }

        var configuration = await scheme.ConfigurationManager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        var result = await ValidateAsync(logoutToken, configuration, scheme.ClientId).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The IdP may have rolled its signing key since the configuration was read: read it again once, as
            // JwtBearer does (RefreshOnIssuerKeyNotFound), or no logout would be accepted until the next refresh.
            scheme.ConfigurationManager.RequestRefresh();
            configuration = await scheme.ConfigurationManager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            result = await ValidateAsync(logoutToken, configuration, scheme.ClientId).ConfigureAwait(false);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return "invalid token: " + result.Exception?.GetType().Name;
        }

        if (Refusal(token) is { } refusal)
        {
            return refusal;
        }

        var claims = result.ClaimsIdentity;
        var sid = claims.FindFirst("sid")?.Value;
        var sub = claims.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var jti = claims.FindFirst(JwtRegisteredClaimNames.Jti)?.Value;
        if ((sid is null && sub is null) || jti is null)
        {
            return "sid or sub, and jti, are required";
        }

        // Step 8: a replayed token is refused for as long as it could be accepted (exp and the clock skew). The
        // check and the write are one step on this node; IDistributedCache has no add-if-absent, so two nodes
        // sharing a cache may each accept a token posted to both at once, which can only end the same session twice.
        var replayKey = KeyPrefix + "jti:" + jti;
        var acceptableFor = new DateTimeOffset(token.ValidTo, TimeSpan.Zero) + StepUpDecision.ClockSkew - clock.GetUtcNow();
        await _replayCheck.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await cache.GetAsync(replayKey, cancellationToken).ConfigureAwait(false) is not null)
            {
                return "the token was already used";
            }

            await cache.SetAsync(replayKey, [1], new DistributedCacheEntryOptions
            {
                AbsoluteExpirationRelativeToNow = acceptableFor > TimeSpan.FromSeconds(1) ? acceptableFor : TimeSpan.FromSeconds(1),
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _replayCheck.Release();
        }

        var remember = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = options.Value.EndedSessionMemory };
        var endedAt = BitConverter.GetBytes(clock.GetUtcNow().ToUnixTimeSeconds());
        await cache.SetAsync(sid is not null ? KeyPrefix + "sid:" + sid : KeyPrefix + "sub:" + sub, endedAt, remember, cancellationToken).ConfigureAwait(false);
        logger.BackChannelLogoutReceived(sid, sub);
        return null;
    }

    /// <summary>Whether the IdP ended the session this principal was signed in with.</summary>
    public async Task<bool> IsEndedAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.FindFirst("sid")?.Value is { } sid
            && await cache.GetAsync(KeyPrefix + "sid:" + sid, cancellationToken).ConfigureAwait(false) is not null)
        {
            return true;
        }

        // A logout token with only sub ends every session of that person signed in before it arrived. A session
        // without auth_time cannot show that it began later, so it ends too (fail closed).
        if (StepUpClaims.Subject(principal) is { } sub
            && await cache.GetAsync(KeyPrefix + "sub:" + sub, cancellationToken).ConfigureAwait(false) is { Length: 8 } ended)
        {
            return StepUpClaims.AuthTime(principal) is not { } authTime || authTime.ToUnixTimeSeconds() <= BitConverter.ToInt64(ended);
        }

        return false;
    }

    private Task<TokenValidationResult> ValidateAsync(string logoutToken, OpenIdConnectConfiguration configuration, string? clientId) =>
        Handler.ValidateTokenAsync(logoutToken, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = configuration.SigningKeys,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = StepUpDecision.ClockSkew,
            LifetimeValidator = (_, expires, _, parameters) => expires is { } exp
                && exp.ToUniversalTime() > clock.GetUtcNow().UtcDateTime - parameters.ClockSkew,

            // typ is checked below: section 2.4 lets an OP leave it out.
            TypeValidator = (type, _, _) => type,
        });

    /// <summary>The checks of section 2.6 that token validation does not make, or null when the token passes them.</summary>
    private string? Refusal(JsonWebToken token)
    {
        // Section 2.4: explicitly typed logout+jwt, and a typ of anything else (an ID or access token) is refused.
        if (!string.IsNullOrEmpty(token.Typ)
            && !string.Equals(token.Typ, "logout+jwt", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(token.Typ, "application/logout+jwt", StringComparison.OrdinalIgnoreCase))
        {
            return "typ is not logout+jwt";
        }

        // Step 4: iat is validated as in ID tokens (OIDC Core 3.1.3.7): required, and not issued after now.
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat))
        {
            return "iat is missing";
        }

        if (iat > (clock.GetUtcNow() + StepUpDecision.ClockSkew).ToUnixTimeSeconds())
        {
            return "iat is in the future";
        }

        // Step 6: events is a JSON object (not a string that reads as one, nor an array) whose logout member is an object.
        if (!token.TryGetPayloadValue<JsonElement>("events", out var events)
            || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(LogoutEvent, out var logoutEvent)
            || logoutEvent.ValueKind != JsonValueKind.Object)
        {
            return "the logout event is missing";
        }

        // Step 7: a nonce would make it an ID token.
        if (token.Claims.Any(c => c.Type == "nonce"))
        {
            return "a logout token must not carry a nonce";
        }

        return null;
    }
}
