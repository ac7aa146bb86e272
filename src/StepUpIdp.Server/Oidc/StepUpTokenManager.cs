using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// OpenIddict's token manager, with two changes:
/// <list type="bullet">
/// <item>It does not read the token table before writing a token with a reference id (an authorization code's handle) to
/// see whether the id is taken. The id is the SHA-256 of 256 random bits, and the table's unique index on it refuses a
/// duplicate anyway; the read was one statement per code flow (docs/performance.md, "Authorization codes: one
/// write"). The manager's other checks stay.</item>
/// <item>When a replayed code or refresh token revokes the tokens of its sign-in (the only caller of
/// <see cref="RevokeByAuthorizationIdAsync"/>), the sign-in's authorization is revoked too. Access tokens have no row to
/// revoke, but userinfo and the IdP's own APIs check their authorization, so a thief's access token stops working there
/// at once (docs/sessions.md, "Replayed codes and refresh tokens"). Each sign-in has an authorization of its own, so a
/// new sign-in of the same app is not affected.</item>
/// </list>
/// </summary>
public sealed class StepUpTokenManager<TToken>(
    IOpenIddictTokenCache<TToken> cache,
    ILogger<OpenIddictTokenManager<TToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<TToken> store,
    IOpenIddictAuthorizationManager authorizations)
    : OpenIddictTokenManager<TToken>(cache, logger, options, store)
    where TToken : class
{
    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        var revoked = await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken);
        if (await authorizations.FindByIdAsync(identifier, cancellationToken) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        }

        return revoked;
    }

    public override IAsyncEnumerable<ValidationResult> ValidateAsync(TToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return ExecuteAsync(token, cancellationToken);
    }

    private async IAsyncEnumerable<ValidationResult> ExecuteAsync(TToken token, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(await Store.GetTypeAsync(token, cancellationToken)))
        {
            yield return new ValidationResult("The token type cannot be null or empty.");
        }

        if (string.IsNullOrEmpty(await Store.GetStatusAsync(token, cancellationToken)))
        {
            yield return new ValidationResult("The status cannot be null or empty.");
        }
    }
}
