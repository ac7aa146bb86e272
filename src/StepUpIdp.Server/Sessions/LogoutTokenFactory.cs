using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using StepUpIdp.Infrastructure.Redis.Sessions;

namespace StepUpIdp.Server.Sessions;

/// <summary>
/// Signs logout tokens (OIDC Back-Channel Logout 1.0, section 2.4) with the IdP's token-signing key, so an app
/// validates them with the JWKS it already uses for ID tokens: <c>typ</c> <c>logout+jwt</c>, <c>iss</c>, <c>aud</c>,
/// <c>iat</c>, <c>exp</c>, <c>jti</c>, <c>sub</c>, <c>sid</c> and the back-channel logout event, never a <c>nonce</c>.
/// </summary>
public sealed class LogoutTokenFactory(IOptionsMonitor<OpenIddictServerOptions> server, TimeProvider clock)
{
    public const string TokenType = "logout+jwt";
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>How long a logout token may be accepted; an app should also refuse a <c>jti</c> it has seen.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Create(LogoutDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var credentials = server.CurrentValue.SigningCredentials.FirstOrDefault(c => c.Key is AsymmetricSecurityKey)
            ?? throw new InvalidOperationException("No asymmetric signing key is configured for logout tokens.");
        var now = clock.GetUtcNow();
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Issuer = delivery.Issuer,
            Audience = delivery.ClientId,
            IssuedAt = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                [JwtRegisteredClaimNames.Sub] = delivery.Subject,
                ["sid"] = delivery.SessionId,
                ["events"] = new Dictionary<string, object> { [BackChannelLogoutEvent] = new Dictionary<string, object>() },
            },
        });
    }
}
