using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using StepUpIdp.Domain.Apps;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Apps;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.ApiTokens;

/// <summary>
/// Arrangements the API-token tests need: the org policy and role grants changed in the directory (the admin
/// policy endpoint is built elsewhere), bearer tokens from an exempt app, and calls to the token endpoint.
/// </summary>
internal static class ApiTokenTestDirectory
{
    public const string ExchangeGrant = AppDescriptors.TokenExchangeGrant;
    public const string ApiTokenType = "urn:stepupidp:token-type:api-token";

    /// <summary>What the portals of these tests ask for: the scope of <c>/api/me/api-tokens</c> included.</summary>
    public const string PortalScopes = "openid profile email offline_access stepup.api_tokens";

    /// <summary>
    /// The exempt app people get their bearer tokens from: a relying party registered as acme's <c>tokens-portal</c>,
    /// asking for <see cref="PortalScopes"/>, with <paramref name="grants"/> given their roles on it.
    /// </summary>
    public static Task<OidcRelyingParty> StartTokensPortalAsync(this IdpHost idp, params (string Email, AppRole Role)[] grants) =>
        idp.StartTokensPortalAsync("tokens-portal", "acme", grants);

    /// <summary>The same portal as <paramref name="clientId"/> of <paramref name="organisationId"/>: a test's own on a shared host.</summary>
    public static async Task<OidcRelyingParty> StartTokensPortalAsync(this IdpHost idp, string clientId, string organisationId,
        params (string Email, AppRole Role)[] grants)
    {
        var portal = await idp.StartPublicAppAsync(clientId, organisationId, AppEnforcement.Exempt, PortalScopes);
        foreach (var (email, role) in grants)
        {
            await idp.GrantAsync(clientId, email, role);
        }

        return portal;
    }

    /// <summary>
    /// A confidential client of <paramref name="organisationId"/> that exchanges API tokens, registered as the demo's
    /// <c>demo-api</c> is (client credentials and token exchange, enforced), with <paramref name="grants"/> given their roles on it.
    /// </summary>
    public static async Task RegisterExchangingApiAsync(this IdpHost idp, string clientId, string secret, string organisationId,
        params (string Email, AppRole Role)[] grants)
    {
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            // The protocol settings the apps API gives a confidential app without redirect URIs (AppDescriptors).
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId,
                ClientSecret = secret,
                ClientType = OpenIddictConstants.ClientTypes.Confidential,
            };
            AppDescriptors.Apply(descriptor, new AppRegistration(clientId, Confidential: true, RedirectUris: [], PostLogoutRedirectUris: [],
                AllowedOrigins: [], BackChannelLogoutUri: null, AppEnforcement.Enforced, Spaces: [], Scopes: []));
            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            db.Apps.Add(new App { ClientId = clientId, OrganisationId = organisationId, Name = clientId, Enforcement = AppEnforcement.Enforced });
            await db.SaveChangesAsync();
        }

        foreach (var (email, role) in grants)
        {
            await idp.GrantAsync(clientId, email, role);
        }
    }

    public static async Task SetApiTokenAccessAsync(this WebApplicationFactory<Program> idp, string org, ApiTokenAccess access, int? maxLifetimeDays = null)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var organisation = await db.Organisations.SingleAsync(o => o.Id == org);
        organisation.ExternalPolicy.ApiTokens = access;
        if (maxLifetimeDays is { } max)
        {
            organisation.ExternalPolicy.ApiTokenMaxLifetimeDays = max;
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Replaces every direct grant of the account on the app with <paramref name="role"/>.</summary>
    public static async Task SetRoleAsync(this WebApplicationFactory<Program> idp, string clientId, string email, AppRole role)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var account = await db.Accounts.SingleAsync(a => a.Email == email);
        db.RoleGrants.RemoveRange(db.RoleGrants.Where(g => g.AccountId == account.Id && g.AppClientId == clientId));
        db.RoleGrants.Add(new RoleGrant { AppClientId = clientId, AccountId = account.Id, Role = role });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Signs in through an exempt app (no passcode step for external users) and returns the access token. With
    /// <paramref name="verifiedBy"/> (the host, whose mail is read) the app asks for <c>acr_values</c> otp and the
    /// person enters an emailed code: what an external user's token needs to create API tokens.
    /// </summary>
    /// <param name="from">The address the person signs in from (<see cref="LoopbackAddresses"/>), on a shared host.</param>
    public static async Task<string> AccessTokenAsync(OidcRelyingParty app, string email, WebApplicationFactory<Program>? verifiedBy = null,
        System.Net.IPAddress? from = null)
    {
        using var browser = new Browser(from);
        if (verifiedBy is null)
        {
            return (await SignInFlowTests.SignInAsync(browser, app, email)).Succeeded().AccessToken!;
        }

        var signIn = await browser.OpenAsync(app.LoginUri("acr_values=" + Uri.EscapeDataString(StepUpIdp.Domain.Authentication.AcrValues.Otp)));
        var landed = await browser.CompleteAsync(verifiedBy.Services, (verifiedBy as IdpHost)?.Mail, signIn, email);
        return SignInOutcome.From(landed).Succeeded().AccessToken!;
    }

    public static HttpClient Bearer(Uri idp, string accessToken)
    {
        var http = new HttpClient { BaseAddress = idp };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http;
    }

    public static async Task<(string Id, string Token)> CreateTokenAsync(HttpClient http, string name = "ci", int days = 30)
    {
        var response = await http.PostAsJsonAsync("api/me/api-tokens", new { name, lifetimeDays = days });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("token").GetString()!);
    }

    public static async Task<(int Status, JsonElement Body)> PostTokenAsync(Uri idp, IDictionary<string, string> form)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(idp, "connect/token"), new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(int Status, JsonElement Body)> ExchangeAsync(Uri idp, string? apiToken,
        string clientId = "demo-api", string? clientSecret = "demo-api-secret", string subjectTokenType = ApiTokenType, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = ExchangeGrant, ["client_id"] = clientId, ["subject_token_type"] = subjectTokenType };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        if (clientSecret is not null)
        {
            form["client_secret"] = clientSecret;
        }

        if (apiToken is not null)
        {
            form["subject_token"] = apiToken;
        }

        return PostTokenAsync(idp, form);
    }

    public static string? Error(this JsonElement body) => body.TryGetProperty("error", out var e) ? e.GetString() : null;

    public static string? Description(this JsonElement body) => body.TryGetProperty("error_description", out var e) ? e.GetString() : null;
}
