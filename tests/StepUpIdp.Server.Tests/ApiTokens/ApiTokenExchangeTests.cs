using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.ApiTokens.ApiTokenTestDirectory;

namespace StepUpIdp.Server.Tests.ApiTokens;

/// <summary>
/// Personal API tokens end to end: people get bearer tokens by signing in to an exempt
/// app, create API tokens over HTTP, and demo-api (a confidential client) exchanges them with RFC 8693.
/// </summary>
public sealed class ApiTokenExchangeTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new();
    private OidcRelyingParty _portal = null!;

    public async Task InitializeAsync() => _portal = await _idp.StartTokensPortalAsync(
        ("alice@acme.test", AppRole.Admin), ("bob@partner.test", AppRole.User), ("dave@acme.test", AppRole.User));

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task External_users_token_works_is_blocked_at_once_by_policy_and_works_again_when_allowed()
    {
        using var bob = Bearer(_idp.Address, await AccessTokenAsync(_portal, "bob@partner.test", _idp));
        using var alice = Bearer(_idp.Address, await AccessTokenAsync(_portal, "alice@acme.test"));
        var (bobTokenId, bobToken) = await CreateTokenAsync(bob);
        var (_, aliceToken) = await CreateTokenAsync(alice);

        var (status, body) = await ExchangeAsync(_idp.Address, bobToken);
        Assert.Equal(200, status);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", body.GetProperty("issued_token_type").GetString());
        var access = Tokens.Read(body.GetProperty("access_token").GetString()!);
        Assert.Equal("acme", access.GetClaim("org").Value);
        Assert.Equal("external", access.GetClaim("user_type").Value);
        Assert.Equal("user", access.GetClaim("role").Value);
        Assert.Equal("urn:stepupidp:acr:basic", access.GetClaim("acr").Value);
        Assert.Equal(bobTokenId, access.GetClaim("api_token_id").Value);
        Assert.False(access.TryGetPayloadValue<object>("amr", out _));
        Assert.Equal(TimeSpan.FromMinutes(10), access.ValidTo - access.IssuedAt);

        await _idp.SetApiTokenAccessAsync("acme", ApiTokenAccess.Block);
        (status, body) = await ExchangeAsync(_idp.Address, bobToken);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Contains("blocks API tokens for external users", body.Description());
        Assert.Equal(200, (await ExchangeAsync(_idp.Address, aliceToken)).Status);

        // Creating a new one is refused up front too.
        var refused = await bob.PostAsJsonAsync("api/me/api-tokens", new { name = "again", lifetimeDays = 5 });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await _idp.SetApiTokenAccessAsync("acme", ApiTokenAccess.Allow);
        Assert.Equal(200, (await ExchangeAsync(_idp.Address, bobToken)).Status);

        await using var scope = _idp.Services.CreateAsyncScope();
        var audit = await scope.ServiceProvider.GetRequiredService<StepUpDbContext>().AuditEntries.AsNoTracking()
            .Where(e => e.SubjectId == bobTokenId).Select(e => e.Action + " " + e.Detail).ToListAsync();
        Assert.Contains(audit, a => a.StartsWith("api_token.refused external_blocked", StringComparison.Ordinal));
        Assert.Equal(2, audit.Count(a => a.StartsWith("api_token.exchanged", StringComparison.Ordinal)));
        Assert.Contains(audit, a => a.StartsWith("api_token.created", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Guests_token_is_refused()
    {
        using var dave = Bearer(_idp.Address, await AccessTokenAsync(_portal, "dave@acme.test"));
        var (_, token) = await CreateTokenAsync(dave);
        Assert.Equal(200, (await ExchangeAsync(_idp.Address, token)).Status);

        await _idp.SetRoleAsync("demo-api", "dave@acme.test", AppRole.Guest);
        var (status, body) = await ExchangeAsync(_idp.Address, token);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("Guests cannot use API tokens.", body.Description());
    }

    [Fact]
    public async Task Revoked_token_is_refused_and_listing_never_shows_a_secret()
    {
        using var alice = Bearer(_idp.Address, await AccessTokenAsync(_portal, "alice@acme.test"));
        var (id, token) = await CreateTokenAsync(alice, "deploy");
        Assert.Equal(200, (await ExchangeAsync(_idp.Address, token)).Status);

        var list = await alice.GetStringAsync("api/me/api-tokens");
        Assert.DoesNotContain(token, list);
        Assert.DoesNotContain(token[(4 + 32 + 1)..], list);
        using (var json = JsonDocument.Parse(list))
        {
            var entry = json.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
            Assert.Equal("deploy", entry.GetProperty("name").GetString());
            Assert.Equal(JsonValueKind.String, entry.GetProperty("lastUsedAt").ValueKind);
            Assert.False(entry.TryGetProperty("token", out _));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync($"api/me/api-tokens/{id}")).StatusCode);
        var (status, body) = await ExchangeAsync(_idp.Address, token);
        Assert.Equal(400, status);
        Assert.Equal("The API token has been revoked.", body.Description());
        Assert.Equal(HttpStatusCode.NotFound, (await alice.DeleteAsync("api/me/api-tokens/0123456789abcdef0123456789abcdef")).StatusCode);
    }

    [Fact]
    public async Task The_secret_is_not_in_the_database()
    {
        using var bob = Bearer(_idp.Address, await AccessTokenAsync(_portal, "bob@partner.test", _idp));
        var (id, token) = await CreateTokenAsync(bob);
        var secret = token[(4 + 32 + 1)..];

        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var row = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id);
        var stored = string.Join("|", row.Id, row.Name, row.AccountId, row.OrganisationId, Convert.ToBase64String(row.SecretHash), Convert.ToHexString(row.SecretHash));
        Assert.DoesNotContain(secret, stored, StringComparison.OrdinalIgnoreCase);

        // And nowhere in the SQLite file, audit log included (on PostgreSQL, the audit log's text).
        if (!db.Database.IsSqlite())
        {
            var audit = await db.AuditEntries.AsNoTracking().Select(e => e.Detail ?? string.Empty).ToListAsync();
            Assert.DoesNotContain(audit, detail => detail.Contains(secret, StringComparison.Ordinal));
            return;
        }

        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(FULL);");
        foreach (var file in Directory.GetFiles(_idp.DataPath, "stepupidp.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.DoesNotContain(secret, System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"name":"x","lifetimeDays":999999999999}""", "lifetimeDays")]
    [InlineData("""{"name":"x","lifetimeDays":"soon"}""", "lifetimeDays")]
    [InlineData("""{"name":""", "$")]
    public async Task A_malformed_creation_body_is_a_problem_naming_the_field_not_a_crash(string body, string field)
    {
        using var alice = Bearer(_idp.Address, await AccessTokenAsync(_portal, "alice@acme.test"));

        var response = await alice.PostAsync("api/me/api-tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Lifetime_over_the_orgs_maximum_is_a_validation_problem_naming_the_field()
    {
        await _idp.SetApiTokenAccessAsync("acme", ApiTokenAccess.Allow, maxLifetimeDays: 30);
        using var alice = Bearer(_idp.Address, await AccessTokenAsync(_portal, "alice@acme.test"));

        var response = await alice.PostAsJsonAsync("api/me/api-tokens", new { name = "long", lifetimeDays = 31 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("30", problem.RootElement.GetProperty("errors").GetProperty("lifetimeDays")[0].GetString());
    }

    [Fact]
    public async Task Any_member_reads_the_rules_in_force()
    {
        await _idp.SetApiTokenAccessAsync("acme", ApiTokenAccess.Block, maxLifetimeDays: 90);
        using var bob = Bearer(_idp.Address, await AccessTokenAsync(_portal, "bob@partner.test", _idp));
        using var rules = JsonDocument.Parse(await bob.GetStringAsync("api/orgs/acme/api-token-rules"));
        Assert.Equal("block", rules.RootElement.GetProperty("externalUsers").GetString());
        Assert.Equal("block", rules.RootElement.GetProperty("guests").GetString());
        Assert.Equal(90, rules.RootElement.GetProperty("maxLifetimeDays").GetInt32());

        using var anonymous = new HttpClient { BaseAddress = _idp.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/orgs/acme/api-token-rules")).StatusCode);
    }

    [Fact]
    public async Task An_exchanged_access_token_cannot_manage_api_tokens()
    {
        using var alice = Bearer(_idp.Address, await AccessTokenAsync(_portal, "alice@acme.test"));
        var (_, token) = await CreateTokenAsync(alice);
        var (_, body) = await ExchangeAsync(_idp.Address, token);

        using var exchanged = Bearer(_idp.Address, body.GetProperty("access_token").GetString()!);
        var response = await exchanged.PostAsJsonAsync("api/me/api-tokens", new { name = "child", lifetimeDays = 30 });
        // It is issued to the relying API alone, never to the IdP's own API.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_exchanges_get_oauth_errors_not_500s()
    {
        using var alice = Bearer(_idp.Address, await AccessTokenAsync(_portal, "alice@acme.test"));
        var (_, token) = await CreateTokenAsync(alice);

        async Task Expect(string error, Task<(int Status, JsonElement Body)> call)
        {
            var (status, body) = await call;
            Assert.True(status is 400 or 401, $"status {status}: {body}");
            Assert.Equal(error, body.Error());
        }

        await Expect("invalid_request", ExchangeAsync(_idp.Address, token, subjectTokenType: "urn:ietf:params:oauth:token-type:access_token"));
        await Expect("invalid_request", ExchangeAsync(_idp.Address, token, subjectTokenType: "urn:stepupidp:token-type:other"));
        await Expect("invalid_request", ExchangeAsync(_idp.Address, apiToken: null));
        await Expect("invalid_request", PostTokenAsync(_idp.Address, new Dictionary<string, string>
        {
            ["grant_type"] = ExchangeGrant, ["client_id"] = "demo-api", ["client_secret"] = "demo-api-secret", ["subject_token"] = token,
        }));
        await Expect("invalid_request", PostTokenAsync(_idp.Address, new Dictionary<string, string>
        {
            ["grant_type"] = ExchangeGrant, ["client_id"] = "demo-api", ["client_secret"] = "demo-api-secret",
            ["subject_token"] = token, ["subject_token_type"] = ApiTokenType, ["actor_token"] = token, ["actor_token_type"] = ApiTokenType,
        }));
        await Expect("invalid_grant", ExchangeAsync(_idp.Address, "garbage"));
        await Expect("invalid_grant", ExchangeAsync(_idp.Address, token[..^4] + "AAAA"));
        await Expect("invalid_grant", ExchangeAsync(_idp.Address, "sut_" + new string('0', 32) + "_" + new string('A', 43)));
        await Expect("invalid_grant", ExchangeAsync(_idp.Address, new string('x', 5000)));
        await Expect("invalid_client", ExchangeAsync(_idp.Address, token, clientSecret: "wrong"));
        await Expect("invalid_client", ExchangeAsync(_idp.Address, token, clientSecret: null));
        await Expect("unauthorized_client", ExchangeAsync(_idp.Address, token, clientId: "demo-spa", clientSecret: null));
        await Expect("invalid_client", ExchangeAsync(_idp.Address, token, clientId: "nobody", clientSecret: "x"));
    }

    [Fact]
    public async Task Token_of_another_organisation_is_refused_naming_the_rule()
    {
        await _idp.AddOrganisationAsync("partner", "Partner Ltd", "partner.test");
        await using var partnerPortal = await OidcRelyingParty.StartAsync(_idp.Address, "partner-portal", PortalScopes);
        await _idp.RegisterPublicAppAsync("partner-portal", "partner", partnerPortal.RedirectUri, AppEnforcement.Exempt);
        await _idp.GrantAsync("partner-portal", "bob@partner.test", AppRole.User);
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var bobId = await db.Accounts.Where(a => a.Email == "bob@partner.test").Select(a => a.Id).SingleAsync();
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = "partner", AccountId = bobId });
            await db.SaveChangesAsync();
        }

        using var bob = Bearer(_idp.Address, await AccessTokenAsync(partnerPortal, "bob@partner.test", _idp));
        var (_, partnerToken) = await CreateTokenAsync(bob);

        var (status, body) = await ExchangeAsync(_idp.Address, partnerToken);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("The API token belongs to another organisation.", body.Description());
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
