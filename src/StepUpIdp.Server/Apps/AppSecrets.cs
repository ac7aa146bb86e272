using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using StepUpIdp.Infrastructure.Apps;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Secrets;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Apps;

public abstract record SecretOutcome
{
    /// <summary><paramref name="Secret"/> is shown this once; only its hash is kept.</summary>
    public sealed record Created(AppSecretListing Listing, string Secret) : SecretOutcome;
    public sealed record Deleted : SecretOutcome;
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : SecretOutcome;
    public sealed record TooMany(string Message) : SecretOutcome;
    public sealed record NotFound : SecretOutcome;
}

/// <summary>
/// Client secrets of confidential apps. Two may be live at once: add the new one, deploy it, then delete the old one,
/// and no request fails in between (a secret past its end date no longer counts, nor authenticates).
/// </summary>
public sealed class AppSecrets(StepUpDbContext db, IOpenIddictApplicationManager applications, AuditLog audit, TimeProvider clock)
{
    public const int MaxLive = 2;

    public async Task<IReadOnlyList<AppSecretListing>> ListAsync(string clientId, CancellationToken cancellationToken) =>
        (await db.AppSecrets.AsNoTracking().Where(s => s.AppClientId == clientId).ToListAsync(cancellationToken))
        .OrderBy(s => s.CreatedAt).Select(s => new AppSecretListing(s.Id, s.CreatedAt, s.ExpiresAt)).ToList();

    /// <summary>Adds a secret to the caller's unit of work and returns it, for the one time it is shown.</summary>
    public OpaqueSecret Stage(string clientId, DateTimeOffset? expiresAt)
    {
        var secret = OpaqueSecret.Create();
        db.AppSecrets.Add(new AppSecret { Id = secret.Id, AppClientId = clientId, SecretHash = secret.Hash(), CreatedAt = clock.GetUtcNow(), ExpiresAt = expiresAt });
        return secret;
    }

    public async Task<SecretOutcome> AddAsync(string orgId, string actorId, string clientId, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        if (!await db.Apps.AnyAsync(a => a.ClientId == clientId && a.OrganisationId == orgId, cancellationToken)
            || await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } client)
        {
            return new SecretOutcome.NotFound();
        }

        var now = clock.GetUtcNow();
        if (!await applications.HasClientTypeAsync(client, ClientTypes.Confidential, cancellationToken))
        {
            return new SecretOutcome.Invalid(new Dictionary<string, string[]> { ["clientId"] = ["A public app has no client secret."] });
        }

        if (expiresAt is { } end && end <= now)
        {
            return new SecretOutcome.Invalid(new Dictionary<string, string[]> { ["expiresAt"] = ["The end date must be in the future."] });
        }

        // Counted and added in one serializable transaction (retried on a conflict): secrets added at the same moment
        // cannot together pass the limit.
        return await db.RunSerializableAsync<SecretOutcome>(async ct =>
        {
            if (!await db.Apps.AnyAsync(a => a.ClientId == clientId && a.OrganisationId == orgId, ct))
            {
                return new SecretOutcome.NotFound();
            }

            var live = (await db.AppSecrets.AsNoTracking().Where(s => s.AppClientId == clientId).Select(s => s.ExpiresAt).ToListAsync(ct))
                .Count(e => e is null || e > now);
            if (live >= MaxLive)
            {
                return new SecretOutcome.TooMany($"The app has {live} live secrets; delete one before adding another.");
            }

            var secret = Stage(clientId, expiresAt);
            audit.Stage(new AuditEvent(orgId, "app.secret_added", "success", ActorId: actorId, Detail: $"{clientId} secret {secret.Id}"));
            return new SecretOutcome.Created(new AppSecretListing(secret.Id, now, expiresAt), secret.Presented);
        }, cancellationToken);
    }

    public async Task<SecretOutcome> DeleteAsync(string orgId, string actorId, string clientId, string secretId, CancellationToken cancellationToken)
    {
        // Deleted once, with one audit line, however many deletions arrive together (the others find none).
        return await db.RunSerializableAsync<SecretOutcome>(async ct =>
        {
            var secret = await db.AppSecrets.SingleOrDefaultAsync(s => s.Id == secretId && s.AppClientId == clientId
                && db.Apps.Any(a => a.ClientId == clientId && a.OrganisationId == orgId), ct);
            if (secret is null)
            {
                return new SecretOutcome.NotFound();
            }

            db.AppSecrets.Remove(secret);
            audit.Stage(new AuditEvent(orgId, "app.secret_deleted", "success", ActorId: actorId, Detail: $"{clientId} secret {secretId}"));
            return new SecretOutcome.Deleted();
        }, cancellationToken);
    }
}
