using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Sessions;

namespace StepUpIdp.Server.Sessions;

/// <summary>
/// Queues an OIDC Back-Channel Logout 1.0 delivery for every app that got tokens from an ended session and registered
/// a back-channel logout URI (docs/sessions.md). The queue lives in Redis, so any node delivers it.
/// </summary>
public sealed class LogoutNotifier(StepUpDbContext db, ILogoutQueue queue, IssuerUri issuer, TimeProvider clock, ILogger<LogoutNotifier> logger)
{
    /// <param name="onlyOrganisation">Only that organisation's apps (an org ending its own access), or every app.</param>
    public async Task QueueAsync(IReadOnlyList<SignInSession> sessions, string? onlyOrganisation, HttpContext? http)
    {
        var clients = sessions.SelectMany(s => s.Clients).Distinct(StringComparer.Ordinal).ToList();
        if (clients.Count == 0)
        {
            return;
        }

        var apps = await db.Apps.AsNoTracking()
            .Where(a => clients.Contains(a.ClientId) && a.BackChannelLogoutUri != null
                && (onlyOrganisation == null || a.OrganisationId == onlyOrganisation))
            .Select(a => new { a.ClientId, Uri = a.BackChannelLogoutUri! })
            .ToListAsync();
        if (apps.Count == 0)
        {
            return;
        }

        if (issuer.Resolve(http) is not { } iss)
        {
            LogoutLog.NoIssuer(logger);
            return;
        }

        var now = clock.GetUtcNow();
        var deliveries = (
                from session in sessions
                from app in apps
                where session.Clients.Contains(app.ClientId, StringComparer.Ordinal)
                select new LogoutDelivery(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), iss, app.ClientId, app.Uri,
                    session.AccountId, session.Id, Attempts: 0, now))
            .ToList();
        try
        {
            await queue.EnqueueAsync(deliveries, now);
        }
        catch (VerificationStoreUnavailableException ex)
        {
            // The session could not have ended in Redis either; nothing is half-written that matters.
            LogoutLog.QueueUnavailable(logger, ex);
        }
    }
}
