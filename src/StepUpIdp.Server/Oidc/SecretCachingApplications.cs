using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// OpenIddict's application manager with one change: a client secret that was verified a moment ago against
/// the same stored hash is accepted without deriving PBKDF2 again (<see cref="VerifiedClientSecrets"/>).
/// The stored secret stays a PBKDF2 hash; a miss, a wrong secret or a changed secret takes OpenIddict's full check.
/// </summary>
public sealed class SecretCachingApplications<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    VerifiedClientSecrets verified)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    public override async ValueTask<bool> ValidateClientSecretAsync(TApplication application, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentException.ThrowIfNullOrEmpty(secret);

        var clientId = await Store.GetClientIdAsync(application, cancellationToken);
        var stored = await Store.GetClientSecretAsync(application, cancellationToken);
        // Public clients and clients without a secret fail in the base check, which logs why.
        if (clientId is null || string.IsNullOrEmpty(stored) || await HasClientTypeAsync(application, ClientTypes.Public, cancellationToken))
        {
            return await base.ValidateClientSecretAsync(application, secret, cancellationToken);
        }

        if (verified.IsKnown(clientId, secret, stored))
        {
            return true;
        }

        if (!await base.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return false;
        }

        verified.Remember(clientId, secret, stored);
        return true;
    }

    public override async ValueTask UpdateAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(application, cancellationToken);
        verified.Forget(await Store.GetClientIdAsync(application, cancellationToken));
    }

    public override async ValueTask DeleteAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        var clientId = await Store.GetClientIdAsync(application, cancellationToken);
        await base.DeleteAsync(application, cancellationToken);
        verified.Forget(clientId);
    }
}
