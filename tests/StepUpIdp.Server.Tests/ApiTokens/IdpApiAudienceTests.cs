using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.ApiTokens.ApiTokenTestDirectory;

namespace StepUpIdp.Server.Tests.ApiTokens;

/// <summary>
/// RFC 9068 section 4: the IdP's own APIs take only access tokens issued for them (audience urn:stepupidp:api, which
/// a token carries only with scope stepup.admin or stepup.api_tokens), never an app's token for itself.
/// </summary>
public sealed class IdpApiAudienceTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new();
    private OidcRelyingParty _plain = null!;
    private OidcRelyingParty _withApiScope = null!;

    public async Task InitializeAsync()
    {
        _plain = await OidcRelyingParty.StartAsync(_idp.Address, "plain-portal");
        _withApiScope = await OidcRelyingParty.StartAsync(_idp.Address, "tokens-portal", PortalScopes);
        foreach (var app in new[] { _plain, _withApiScope })
        {
            var clientId = app == _plain ? "plain-portal" : "tokens-portal";
            await _idp.RegisterPublicAppAsync(clientId, "acme", app.RedirectUri, AppEnforcement.Exempt);
            await _idp.GrantAsync(clientId, "alice@acme.test", AppRole.Admin);
        }
    }

    public async Task DisposeAsync()
    {
        await _plain.DisposeAsync();
        await _withApiScope.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task An_apps_own_access_token_cannot_create_api_tokens_or_read_org_rules()
    {
        var token = await AccessTokenAsync(_plain, "alice@acme.test");
        Assert.Equal(["plain-portal"], Tokens.Read(token).Audiences);
        using var alice = Bearer(_idp.Address, token);

        using var create = await alice.PostAsJsonAsync("api/me/api-tokens", new { name = "ci", lifetimeDays = 30 });
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
        using var rules = await alice.GetAsync("api/orgs/acme/api-token-rules");
        Assert.Equal(HttpStatusCode.Unauthorized, rules.StatusCode);
    }

    [Fact]
    public async Task A_token_with_the_api_tokens_scope_names_the_idp_api_and_creates_api_tokens()
    {
        var token = await AccessTokenAsync(_withApiScope, "alice@acme.test");
        Assert.Equal(["tokens-portal", "urn:stepupidp:api"], Tokens.Read(token).Audiences.Order(StringComparer.Ordinal));
        using var alice = Bearer(_idp.Address, token);

        var (id, _) = await CreateTokenAsync(alice);

        Assert.NotEmpty(id);
    }

    [Fact]
    public async Task An_admin_token_without_the_api_tokens_scope_cannot_manage_api_tokens()
    {
        using var admin = await AdminClient.ForAsync(_idp, "alice@acme.test");

        using var create = await admin.PostAsJsonAsync("api/me/api-tokens", new { name = "ci", lifetimeDays = 30 });

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        var problem = await create.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://stepupidp.dev/problems/insufficient-scope", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_id_token_is_never_taken_as_an_access_token()
    {
        using var browser = new Browser();
        var outcome = (await SignInFlowTests.SignInAsync(browser, _withApiScope, "alice@acme.test")).Succeeded();
        using var withIdToken = Bearer(_idp.Address, outcome.IdToken!);

        using var create = await withIdToken.PostAsJsonAsync("api/me/api-tokens", new { name = "ci", lifetimeDays = 30 });

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
    }
}
