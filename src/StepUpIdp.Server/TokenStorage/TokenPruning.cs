using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;
using StepUpIdp.Infrastructure.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.TokenStorage;

/// <summary>
/// Deletes the token and authorization rows that can no longer be used, so the tables stay as large as the
/// live traffic and not as large as the history. A row goes when, <see cref="TokenPruningOptions.KeepHours"/>
/// ago or earlier, it
/// <list type="bullet">
/// <item>expired (authorization codes, refresh tokens, any old access-token row), whatever its status;</item>
/// <item>was revoked or rejected, or belongs to an authorization that is no longer valid.</item>
/// </list>
/// A redeemed refresh token that has not expired stays: presenting it again is how a stolen token is
/// detected (the whole chain is then revoked), and that must keep working until it would have expired.
/// Authorizations go when they are no longer valid, or ad hoc, and have no token left.
/// </summary>
public sealed class TokenPruning(StepUpDbContext db, TimeProvider clock)
{
    public async Task<PruneCounts> PruneAsync(TimeSpan keep, int batchSize, Func<CancellationToken, Task>? afterBatch, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var threshold = now - keep;

        var tokens = 0;
        while (true)
        {
            var deleted = await db.Set<OpenIddictEntityFrameworkCoreToken>()
                .Where(t => t.CreationDate < threshold
                    && ((t.ExpirationDate != null && t.ExpirationDate < threshold)
                        || t.Status == Statuses.Revoked
                        || t.Status == Statuses.Rejected
                        || (t.Authorization != null && t.Authorization.Status != Statuses.Valid)))
                .OrderBy(t => t.Id)
                .Take(batchSize)
                .ExecuteDeleteAsync(cancellationToken);
            tokens += deleted;
            if (afterBatch is not null)
            {
                await afterBatch(cancellationToken);
            }

            if (deleted < batchSize)
            {
                break;
            }
        }

        var authorizations = 0;
        while (true)
        {
            var deleted = await db.Set<OpenIddictEntityFrameworkCoreAuthorization>()
                .Where(a => a.CreationDate < threshold
                    && (a.Status != Statuses.Valid || a.Type == AuthorizationTypes.AdHoc)
                    && !a.Tokens.Any())
                .OrderBy(a => a.Id)
                .Take(batchSize)
                .ExecuteDeleteAsync(cancellationToken);
            authorizations += deleted;
            if (afterBatch is not null)
            {
                await afterBatch(cancellationToken);
            }

            if (deleted < batchSize)
            {
                break;
            }
        }

        return new PruneCounts(tokens, authorizations);
    }
}

public readonly record struct PruneCounts(int Tokens, int Authorizations);
