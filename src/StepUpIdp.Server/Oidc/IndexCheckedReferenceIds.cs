using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// OpenIddict's token manager, except that it does not read the token table before writing a token with a reference
/// id (an authorization code's handle) to see whether the id is taken. The id is the SHA-256 of 256 random bits, and
/// the table's unique index on it refuses a duplicate anyway; the read was one statement per code flow
/// (docs/performance.md, "Authorization codes: one write"). The manager's other checks stay.
/// </summary>
public sealed class IndexCheckedReferenceIds<TToken>(
    IOpenIddictTokenCache<TToken> cache,
    ILogger<OpenIddictTokenManager<TToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<TToken> store)
    : OpenIddictTokenManager<TToken>(cache, logger, options, store)
    where TToken : class
{
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
