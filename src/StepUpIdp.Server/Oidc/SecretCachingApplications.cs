using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Data.Registrations;
using StepUpIdp.Infrastructure.Secrets;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// OpenIddict's application manager, with client secrets checked two ways (docs/performance.md, docs/admin-guide.md):
/// <list type="bullet">
/// <item>a secret issued through the apps API (<see cref="OpaqueSecret"/>) is checked against the app's live secrets
/// in <c>AppSecrets</c>, any of them not past its end, so a new one can be rolled out before the old is deleted;</item>
/// <item>any other (a secret registered in OpenIddict itself, as the demo data does) takes OpenIddict's PBKDF2 check,
/// except that one verified a moment ago against the same stored hash is accepted without deriving PBKDF2 again
/// (<see cref="VerifiedClientSecrets"/>); a miss, a wrong secret or a changed secret takes the full check.</item>
/// </list>
/// </summary>
public sealed class SecretCachingApplications<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    VerifiedClientSecrets verified,
    RegistrationCache<OpenIddictEntityFrameworkCoreApplication> registrations,
    IHttpContextAccessor requests,
    StepUpDbContext db,
    TimeProvider clock)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    /// <summary>
    /// The client's registration. For the protocol endpoints (authorize, token, ...) it comes from memory until a change
    /// of it is saved on any node (docs/performance.md, "Registrations: cached until they change"), each request getting
    /// its own detached copy so nothing it changes reaches the cache or another request. Everywhere else (the admin API
    /// and pages, commands) it is read from the database and tracked, as an update or deletion needs.
    /// </summary>
    public override async ValueTask<TApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (!ServesProtocolEndpoint || typeof(TApplication) != typeof(OpenIddictEntityFrameworkCoreApplication))
        {
            return await base.FindByClientIdAsync(identifier, cancellationToken);
        }

        // OpenIddict asks several times per request (client type, secret, permissions ...): one copy serves them all.
        if (_servedCopies.TryGetValue(identifier, out var served))
        {
            return served;
        }

        var known = await registrations.GetOrReadAsync(identifier, async ct =>
            await base.FindByClientIdAsync(identifier, ct) is OpenIddictEntityFrameworkCoreApplication found ? ClientRegistrationCopy.Of(found) : null,
            cancellationToken);
        var copy = known is null ? null : (TApplication)(object)ClientRegistrationCopy.Of(known);
        _servedCopies[identifier] = copy;
        return copy;
    }

    /// <summary>The copies handed out in this request (the manager lives as long as the request's services).</summary>
    private readonly Dictionary<string, TApplication?> _servedCopies = new(StringComparer.Ordinal);

    private bool ServesProtocolEndpoint =>
        requests.HttpContext?.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction?.EndpointType is { } endpoint
        && endpoint != OpenIddictServerEndpointType.Unknown;

    public override async ValueTask<bool> ValidateClientSecretAsync(TApplication application, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentException.ThrowIfNullOrEmpty(secret);

        var clientId = await Store.GetClientIdAsync(application, cancellationToken);
        if (OpaqueSecret.TryParse(secret) is { } presented)
        {
            var live = await db.AppSecrets.AsNoTracking()
                .Where(s => s.Id == presented.Id && s.AppClientId == clientId)
                .Select(s => new { s.SecretHash, s.ExpiresAt })
                .SingleOrDefaultAsync(cancellationToken);
            return live is not null && presented.Matches(live.SecretHash) && (live.ExpiresAt is null || live.ExpiresAt > clock.GetUtcNow());
        }

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
