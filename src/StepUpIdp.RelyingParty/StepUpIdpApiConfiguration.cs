using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// Hardens every JwtBearer scheme of an API (RFC 9068 sections 2.1 and 4): only tokens typed <c>at+jwt</c> are
/// accepted, so an ID token (typed <c>JWT</c>) is never taken for an access token, and the audience is always
/// validated, so a token issued to another app is refused. Without a configured audience every token is refused.
/// </summary>
internal sealed class StepUpIdpApiConfiguration : IPostConfigureOptions<JwtBearerOptions>
{
    /// <summary>The JWT <c>typ</c> of access tokens (RFC 9068 section 2.1), short and long form.</summary>
    internal static readonly string[] AccessTokenTypes = ["at+jwt", "application/at+jwt"];

    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parameters = options.TokenValidationParameters;
        parameters.ValidTypes = AccessTokenTypes;
        parameters.ValidateAudience = true;
        parameters.ValidateIssuer = true;
    }
}
