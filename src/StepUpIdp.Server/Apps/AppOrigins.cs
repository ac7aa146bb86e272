using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Data.Registrations;

namespace StepUpIdp.Server.Apps;

/// <summary>The client ids of the apps that registered one browser origin.</summary>
public sealed record OriginApps(FrozenSet<string> ClientIds);

/// <summary>
/// Which apps registered a browser origin, for CORS: kept with the other registrations until any of them changes
/// (docs/performance.md, "Registrations: cached until they change"). An origin no app registered is read every time
/// and never kept, so made-up origins fill nothing.
/// </summary>
public sealed class AppOrigins(StepUpDbContext db, RegistrationCache<OriginApps> cache)
{
    /// <summary>The apps that registered <paramref name="origin"/> (normalised), or null when none did.</summary>
    public Task<OriginApps?> AppsOfAsync(string origin, CancellationToken cancellationToken) =>
        cache.GetOrReadAsync(origin, async ct =>
        {
            var clientIds = await db.AppOrigins.AsNoTracking().Where(o => o.Origin == origin).Select(o => o.AppClientId).ToListAsync(ct);
            return clientIds.Count == 0 ? null : new OriginApps(clientIds.ToFrozenSet(StringComparer.Ordinal));
        }, cancellationToken);
}
