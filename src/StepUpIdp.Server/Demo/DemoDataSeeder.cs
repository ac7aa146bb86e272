using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Apps;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Apps;
using StepUpIdp.Infrastructure.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Demo;

/// <summary>Loads <c>config/demo-data.json</c> into an empty database, so a newcomer can try every flow.</summary>
public sealed class DemoDataSeeder(
    StepUpDbContext db,
    IOpenIddictApplicationManager applications,
    IPasswordHasher<Account> hasher,
    TimeProvider clock,
    ILogger<DemoDataSeeder> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task SeedAsync(string path, CancellationToken cancellationToken)
    {
        if (await db.Organisations.AnyAsync(cancellationToken))
        {
            return;
        }

        await using var stream = File.OpenRead(path);
        var data = await JsonSerializer.DeserializeAsync<DemoData>(stream, Json, cancellationToken)
            ?? throw new InvalidOperationException($"{path} is empty.");
        var now = clock.GetUtcNow();

        foreach (var org in data.Organisations)
        {
            db.Organisations.Add(new Organisation
            {
                Id = org.Id,
                Name = org.Name,
                CreatedAt = now,
                VerifiedDomains = org.VerifiedDomains.Select(d => new OrganisationDomain { OrganisationId = org.Id, Domain = d.ToLowerInvariant() }).ToList(),
                ExternalPolicy = DemoPolicy.Read(org.Id, org.ExternalPolicy),
            });
        }

        var accounts = new Dictionary<string, Account>(StringComparer.OrdinalIgnoreCase);
        foreach (var person in data.Accounts)
        {
            var account = new Account
            {
                Id = Guid.CreateVersion7().ToString("N"),
                Email = EmailAddress.Canonical(person.Email),
                NormalizedEmail = EmailAddress.Normalize(person.Email),
                Name = person.Name,
                EmailVerified = true,
                CreatedAt = now,
            };
            account.PasswordHash = person.Password is null ? null : hasher.HashPassword(account, person.Password);
            accounts[person.Email] = account;
            db.Accounts.Add(account);
        }

        foreach (var member in data.Members)
        {
            db.OrganisationMembers.Add(new OrganisationMember
            {
                OrganisationId = member.Organisation,
                AccountId = accounts[member.Email].Id,
                IsAdmin = member.Admin,
            });
        }

        foreach (var app in data.Apps)
        {
            await applications.CreateAsync(Describe(app), cancellationToken);
            db.Apps.Add(new App
            {
                ClientId = app.ClientId,
                OrganisationId = app.Organisation,
                Name = app.Name,
                Enforcement = Enum.Parse<AppEnforcement>(app.Enforcement, ignoreCase: true),
                BackChannelLogoutUri = app.BackChannelLogoutUri,
                Spaces = app.Spaces.Select(key => new AppSpace { AppClientId = app.ClientId, Key = key }).ToList(),
            });
            db.AppOrigins.AddRange((app.AllowedOrigins ?? []).Select(origin => new AppOrigin
            {
                AppClientId = app.ClientId,
                Origin = AppRegistrationRules.NormalizeOrigin(origin) ?? throw new InvalidOperationException($"'{origin}' in {path} is not an origin."),
            }));
        }

        foreach (var grant in data.Grants)
        {
            if (!AppRoleNames.TryParse(grant.Role, out var role))
            {
                throw new InvalidOperationException($"Unknown role '{grant.Role}' in {path}.");
            }

            db.RoleGrants.Add(new RoleGrant { AppClientId = grant.App, AccountId = accounts[grant.Email].Id, Role = role });
        }

        await db.SaveChangesAsync(cancellationToken);
        Log.DemoDataLoaded(logger, data.Organisations.Count, data.Accounts.Count, data.Apps.Count);
    }

    private static OpenIddictApplicationDescriptor Describe(DemoApp app)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = app.ClientId,
            DisplayName = app.Name,
            ClientType = app.Type == "public" ? ClientTypes.Public : ClientTypes.Confidential,
            ClientSecret = app.ClientSecret,
            ConsentType = ConsentTypes.Implicit, // first-party apps: no consent screen
        };

        foreach (var uri in app.RedirectUris ?? [])
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in app.PostLogoutRedirectUris ?? [])
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        foreach (var grantType in app.GrantTypes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + grantType);
        }

        if (app.GrantTypes.Contains(GrantTypes.AuthorizationCode))
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Authorization);
            descriptor.Permissions.Add(Permissions.Endpoints.EndSession);
            descriptor.Permissions.Add(Permissions.ResponseTypes.Code);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }

        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        descriptor.Permissions.Add(Permissions.Endpoints.Revocation);
        if (descriptor.ClientType == ClientTypes.Confidential)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        foreach (var scope in app.Scopes.Where(s => s != Scopes.OpenId))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Demo data loaded: {Organisations} organisations, {Accounts} accounts, {Apps} apps.")]
    public static partial void DemoDataLoaded(ILogger logger, int organisations, int accounts, int apps);
}
