using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Secrets;

namespace StepUpIdp.Server.Apps;

/// <summary>
/// OpenIddict's application manager, with client secrets checked against the app's secrets in <c>AppSecrets</c>: any
/// live one (not past its end) authenticates the client, so a new secret can be rolled out before the old is deleted.
/// Secrets of another shape (an app registered with one in OpenIddict itself, as the demo data does) go to OpenIddict.
/// </summary>
public sealed class AppSecretApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    StepUpDbContext db,
    TimeProvider clock)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    public override async ValueTask<bool> ValidateClientSecretAsync(TApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var presented = OpaqueSecret.TryParse(secret);
        if (presented is null)
        {
            return await base.ValidateClientSecretAsync(application, secret, cancellationToken);
        }

        var clientId = await GetClientIdAsync(application, cancellationToken);
        var stored = await db.AppSecrets.AsNoTracking()
            .Where(s => s.Id == presented.Id && s.AppClientId == clientId)
            .Select(s => new { s.SecretHash, s.ExpiresAt })
            .SingleOrDefaultAsync(cancellationToken);
        return stored is not null && presented.Matches(stored.SecretHash) && (stored.ExpiresAt is null || stored.ExpiresAt > clock.GetUtcNow());
    }
}
