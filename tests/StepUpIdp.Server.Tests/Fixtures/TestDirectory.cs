using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>Arranges directory data a test needs beyond the demo data (extra orgs, test clients, grants).</summary>
public static class TestDirectory
{
    public static async Task AddOrganisationAsync(this IdpHost idp, string id, string name, params string[] domains)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        db.Organisations.Add(new Organisation
        {
            Id = id,
            Name = name,
            VerifiedDomains = domains.Select(d => new OrganisationDomain { OrganisationId = id, Domain = d }).ToList(),
        });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// A fresh org for one test on a shared host (<see cref="SharedIdpHost"/>), set up as the demo's acme is: its
    /// external-user policy, a verified domain of its own, an admin, an internal member and an external member, each a
    /// new account with the demo password. A test that changes an org's data changes this one, never acme.
    /// </summary>
    public static async Task<TestOrg> AddOrgLikeAcmeAsync(this IdpHost idp)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        var domain = $"{id}.test";
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var acme = await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == "acme");
            db.Organisations.Add(new Organisation
            {
                Id = id,
                Name = TestOrg.NameOf(id),
                VerifiedDomains = [new OrganisationDomain { OrganisationId = id, Domain = domain }],
                ExternalPolicy = StoredExternalPolicy.From(acme.ExternalPolicy.ToPolicy()),
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var org = new TestOrg(id, $"admin@{domain}", $"member@{domain}", $"external@partner-{domain}");
        await idp.AddAccountAsync(org.Admin, id);
        await idp.MakeOrgAdminAsync(id, org.Admin);
        await idp.AddAccountAsync(org.Member, id);
        await idp.AddAccountAsync(org.External, id);
        return org;
    }

    /// <summary>A relying party of its own (<see cref="OidcRelyingParty"/>), registered as a public client of the org.</summary>
    public static async Task<OidcRelyingParty> StartPublicAppAsync(this IdpHost idp, string clientId, string organisationId,
        AppEnforcement enforcement, string scopes = OidcRelyingParty.DefaultScopes, params string[] spaces)
    {
        var app = await OidcRelyingParty.StartAsync(idp.Address, clientId, scopes);
        try
        {
            await idp.RegisterPublicAppAsync(clientId, organisationId, app.RedirectUri, enforcement, spaces);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>Registers a public client (code + PKCE + refresh) of an org for a relying party's redirect URI.</summary>
    public static async Task RegisterPublicAppAsync(this IdpHost idp, string clientId, string organisationId, Uri redirectUri,
        AppEnforcement enforcement = AppEnforcement.Enforced, params string[] spaces)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = clientId,
            RedirectUris = { redirectUri },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Prefixes.Scope + Scopes.OfflineAccess,
                Permissions.Prefixes.Scope + "stepup.admin", Permissions.Prefixes.Scope + "stepup.api_tokens", Permissions.Prefixes.Scope + "directory.read",
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        await applications.CreateAsync(descriptor);

        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        db.Apps.Add(new App
        {
            ClientId = clientId,
            OrganisationId = organisationId,
            Name = clientId,
            Enforcement = enforcement,
            Spaces = spaces.Select(s => new AppSpace { AppClientId = clientId, Key = s }).ToList(),
        });
        await db.SaveChangesAsync();
    }

    /// <summary>Registers a post-logout redirect URI for an app (RP-initiated logout).</summary>
    public static async Task AllowPostLogoutRedirectAsync(this IdpHost idp, string clientId, Uri uri)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException($"No app {clientId}.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application);
        descriptor.PostLogoutRedirectUris.Add(uri);
        await applications.UpdateAsync(application, descriptor);
    }

    /// <summary>Adds an account with a password (and org membership), returning its id.</summary>
    public static async Task<string> AddAccountAsync(this IdpHost idp, string email, string? organisationId = "acme", string password = "demo-Passw0rd")
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<Account>>();
        var account = new Account
        {
            Id = Guid.NewGuid().ToString("N"),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            Name = email[..email.IndexOf('@')],
            EmailVerified = true,
        };
        account.PasswordHash = hasher.HashPassword(account, password);
        db.Accounts.Add(account);
        if (organisationId is not null)
        {
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisationId, AccountId = account.Id });
        }

        await db.SaveChangesAsync();
        return account.Id;
    }

    /// <summary>A new external person of acme (a partner.test address no other test uses), with the user role on each app given.</summary>
    public static async Task<string> AddExternalUserAsync(this IdpHost idp, params string[] userOfApps)
    {
        var email = $"ext-{Guid.NewGuid():N}@partner.test";
        await idp.AddAccountAsync(email);
        foreach (var clientId in userOfApps)
        {
            await idp.GrantAsync(clientId, email, AppRole.User);
        }

        return email;
    }

    /// <summary>Gives an account a live API token of an org (its secret unknown: for tests that only need one to exist).</summary>
    public static async Task AddApiTokenAsync(this IdpHost idp, string email, string organisationId, int createdDaysAgo = 0)
    {
        var created = DateTimeOffset.UtcNow.AddDays(-createdDaysAgo);
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var account = await db.Accounts.SingleAsync(a => a.Email == email);
        db.ApiTokens.Add(new StepUpIdp.Infrastructure.ApiTokens.ApiToken
        {
            Id = Guid.NewGuid().ToString("N"),
            OrganisationId = organisationId,
            AccountId = account.Id,
            Name = "ci",
            SecretHash = new byte[32],
            CreatedAt = created,
            ExpiresAt = created.AddDays(createdDaysAgo + 30),
        });
        await db.SaveChangesAsync();
    }

    /// <summary>Makes an account (a member already) an admin of the org.</summary>
    public static async Task MakeOrgAdminAsync(this IdpHost idp, string organisationId, string email)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var account = await db.Accounts.SingleAsync(a => a.Email == email);
        var member = await db.OrganisationMembers.SingleAsync(m => m.OrganisationId == organisationId && m.AccountId == account.Id);
        member.IsAdmin = true;
        await db.SaveChangesAsync();
    }

    public static async Task GrantAsync(this IdpHost idp, string clientId, string email, AppRole role)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var account = await db.Accounts.SingleAsync(a => a.Email == email);
        db.RoleGrants.Add(new RoleGrant { AppClientId = clientId, AccountId = account.Id, Role = role });
        await db.SaveChangesAsync();
    }
}

/// <summary>An org made for one test: its id, and the emails of its admin, an internal member and an external member.</summary>
public sealed record TestOrg(string Id, string Admin, string Member, string External)
{
    /// <summary>The org's name, as its pages and emails show it.</summary>
    public string Name => NameOf(Id);

    internal static string NameOf(string id) => $"Test org {id}";
}
