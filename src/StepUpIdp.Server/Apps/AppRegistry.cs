using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using StepUpIdp.Domain.Apps;
using StepUpIdp.Infrastructure.Apps;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Apps;

public sealed record AppSecretListing(string Id, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

public sealed record AppListing(
    string ClientId, string Name, bool Confidential, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> AllowedOrigins, string? BackChannelLogoutUri, Domain.Policy.AppEnforcement Enforcement,
    IReadOnlyList<string> Spaces, IReadOnlyList<string> Scopes, IReadOnlyList<AppSecretListing> Secrets);

public abstract record AppOutcome
{
    /// <summary><paramref name="NewSecret"/>: a confidential app's first secret, shown this once.</summary>
    public sealed record Done(AppListing App, string? NewSecret = null) : AppOutcome;
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : AppOutcome;
    public sealed record Duplicate(IReadOnlyDictionary<string, string[]> Errors) : AppOutcome;
    public sealed record NotFound : AppOutcome;
}

/// <summary>
/// Registers, changes and deletes an organisation's apps, for the admin API and pages alike: the protocol settings in
/// OpenIddict, the rest (enforcement, spaces, origins, back-channel logout) in the directory, in one transaction.
/// </summary>
public sealed class AppRegistry(StepUpDbContext db, IOpenIddictApplicationManager applications, AppSecrets secrets, AuditLog audit)
{
    public async Task<IReadOnlyList<AppListing>> ListAsync(string orgId, CancellationToken cancellationToken)
    {
        var ids = await db.Apps.AsNoTracking().Where(a => a.OrganisationId == orgId).OrderBy(a => a.ClientId).Select(a => a.ClientId).ToListAsync(cancellationToken);
        var list = new List<AppListing>();
        foreach (var id in ids)
        {
            list.Add((await FindAsync(orgId, id, cancellationToken))!);
        }

        return list;
    }

    public async Task<AppListing?> FindAsync(string orgId, string clientId, CancellationToken cancellationToken)
    {
        var app = await db.Apps.AsNoTracking().Include(a => a.Spaces).SingleOrDefaultAsync(a => a.ClientId == clientId && a.OrganisationId == orgId, cancellationToken);
        var client = app is null ? null : await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (app is null || client is null)
        {
            return null;
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, client, cancellationToken);
        var origins = await db.AppOrigins.AsNoTracking().Where(o => o.AppClientId == clientId).Select(o => o.Origin).OrderBy(o => o).ToListAsync(cancellationToken);
        return new AppListing(app.ClientId, app.Name, descriptor.ClientType == ClientTypes.Confidential,
            descriptor.RedirectUris.Select(u => u.AbsoluteUri).ToList(), descriptor.PostLogoutRedirectUris.Select(u => u.AbsoluteUri).ToList(),
            origins, app.BackChannelLogoutUri, app.Enforcement, app.Spaces.Select(s => s.Key).ToList(), AppDescriptors.ScopesOf(descriptor),
            await secrets.ListAsync(clientId, cancellationToken));
    }

    public async Task<AppOutcome> RegisterAsync(string orgId, string actorId, string? clientId, AppRegistrationRequest request, CancellationToken cancellationToken)
    {
        var (registration, errors) = AppRegistrationRules.Validate(request);
        clientId = string.IsNullOrWhiteSpace(clientId) ? "app-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)) : clientId.Trim();
        if (!AppRegistrationRules.IsClientId(clientId))
        {
            errors["clientId"] = ["3 to 100 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit."];
        }

        if (registration is null || errors.Count > 0)
        {
            return new AppOutcome.Invalid(errors);
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = registration.Confidential ? ClientTypes.Confidential : ClientTypes.Public,
            // OpenIddict wants a secret for a confidential client; the usable ones live in AppSecrets and this one is never shown.
            ClientSecret = registration.Confidential ? Infrastructure.Secrets.OpaqueSecret.Create().Presented + "-unused" : null,
        };
        AppDescriptors.Apply(descriptor, registration);

        // Checked and registered in one serializable transaction (retried on a conflict): two registrations of one
        // client id at the same moment make one app and one 409.
        var (taken, secret) = await db.RunSerializableAsync<(bool Taken, string? Secret)>(async ct =>
        {
            if (await ClientAsync(clientId, ct) is not null || await db.Apps.AnyAsync(a => a.ClientId == clientId, ct))
            {
                return (true, null);
            }

            await applications.CreateAsync(descriptor, ct);
            db.Apps.Add(new App
            {
                ClientId = clientId,
                OrganisationId = orgId,
                Name = registration.Name,
                Enforcement = registration.Enforcement,
                BackChannelLogoutUri = registration.BackChannelLogoutUri?.AbsoluteUri,
                Spaces = registration.Spaces.Select(k => new AppSpace { AppClientId = clientId, Key = k }).ToList(),
            });
            db.AppOrigins.AddRange(registration.AllowedOrigins.Select(o => new AppOrigin { AppClientId = clientId, Origin = o }));
            var presented = registration.Confidential ? secrets.Stage(clientId, expiresAt: null).Presented : null;
            audit.Stage(new AuditEvent(orgId, "app.registered", "success", ActorId: actorId, Detail: $"{clientId} ({(registration.Confidential ? "confidential" : "public")})"));
            return (false, presented);
        }, cancellationToken);
        if (taken)
        {
            return new AppOutcome.Duplicate(new Dictionary<string, string[]> { ["clientId"] = [$"The client id {clientId} is taken."] });
        }

        return new AppOutcome.Done((await FindAsync(orgId, clientId, cancellationToken))!, secret);
    }

    public async Task<AppOutcome> ChangeAsync(string orgId, string actorId, string clientId, AppRegistrationRequest request, CancellationToken cancellationToken)
    {
        // Read, checked and changed in one serializable transaction (retried on a conflict).
        var outcome = await db.RunSerializableAsync<AppOutcome?>(async ct =>
        {
            var app = await db.Apps.Include(a => a.Spaces).SingleOrDefaultAsync(a => a.ClientId == clientId && a.OrganisationId == orgId, ct);
            var client = app is null ? null : await ClientAsync(clientId, ct);
            if (app is null || client is null)
            {
                return new AppOutcome.NotFound();
            }

            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, client, ct);
            var currentType = descriptor.ClientType == ClientTypes.Confidential ? "confidential" : "public";
            var (registration, errors) = AppRegistrationRules.Validate(request with { Type = request.Type ?? currentType });
            if (request.Type is not null && request.Type != currentType)
            {
                errors["type"] = [$"An app stays {currentType}; register a new app to change its type."];
            }

            if (registration is null || errors.Count > 0)
            {
                return new AppOutcome.Invalid(errors);
            }

            AppDescriptors.Apply(descriptor, registration);
            await applications.UpdateAsync(client, descriptor, ct);
            (app.Name, app.Enforcement, app.BackChannelLogoutUri) = (registration.Name, registration.Enforcement, registration.BackChannelLogoutUri?.AbsoluteUri);
            app.Spaces.RemoveAll(s => !registration.Spaces.Contains(s.Key));
            app.Spaces.AddRange(registration.Spaces.Where(k => app.Spaces.All(s => s.Key != k)).Select(k => new AppSpace { AppClientId = clientId, Key = k }));
            await db.AppOrigins.Where(o => o.AppClientId == clientId).ExecuteDeleteAsync(ct);
            db.AppOrigins.AddRange(registration.AllowedOrigins.Select(o => new AppOrigin { AppClientId = clientId, Origin = o }));
            audit.Stage(new AuditEvent(orgId, "app.changed", "success", ActorId: actorId, Detail: clientId));
            return null;
        }, cancellationToken);
        return outcome ?? new AppOutcome.Done((await FindAsync(orgId, clientId, cancellationToken))!);
    }

    /// <summary>Deletes the app with its tokens, grants, guests, group roles, secrets and origins.</summary>
    public async Task<AppOutcome> DeleteAsync(string orgId, string actorId, string clientId, CancellationToken cancellationToken)
    {
        // Serializable (retried on a conflict): deleted once, with one audit line, and never while a change, a guest
        // or a role is being written to it.
        return await db.RunSerializableAsync<AppOutcome>(async ct =>
        {
            var app = await db.Apps.SingleOrDefaultAsync(a => a.ClientId == clientId && a.OrganisationId == orgId, ct);
            if (app is null)
            {
                return new AppOutcome.NotFound();
            }

            if (await ClientAsync(clientId, ct) is { } client)
            {
                await applications.DeleteAsync(client, ct);
            }

            await db.RoleGrants.Where(g => g.AppClientId == clientId).ExecuteDeleteAsync(ct);
            await db.GroupAppRoles.Where(g => g.AppClientId == clientId).ExecuteDeleteAsync(ct);
            await db.GuestAssignments.Where(g => g.AppClientId == clientId).ExecuteDeleteAsync(ct);
            await db.AppSecrets.Where(s => s.AppClientId == clientId).ExecuteDeleteAsync(ct);
            await db.AppOrigins.Where(o => o.AppClientId == clientId).ExecuteDeleteAsync(ct);
            await db.AppSpaces.Where(s => s.AppClientId == clientId).ExecuteDeleteAsync(ct);
            db.Apps.Remove(app);
            audit.Stage(new AuditEvent(orgId, "app.deleted", "success", ActorId: actorId, Detail: clientId));
            return new AppOutcome.Done(new AppListing(clientId, app.Name, false, [], [], [], null, app.Enforcement, [], [], []));
        }, cancellationToken);
    }

    /// <summary>
    /// The client's OpenIddict registration, read from its table in the current attempt and tracked, as an update or
    /// deletion needs. Not through the application manager: its per-request cache may still hold the row of an attempt
    /// that was rolled back, with that attempt's concurrency token.
    /// </summary>
    private Task<OpenIddictEntityFrameworkCoreApplication?> ClientAsync(string clientId, CancellationToken cancellationToken) =>
        db.Set<OpenIddictEntityFrameworkCoreApplication>().SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);
}
