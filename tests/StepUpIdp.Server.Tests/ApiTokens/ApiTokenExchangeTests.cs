using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.ApiTokens;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.ApiTokens.ApiTokenTestDirectory;

namespace StepUpIdp.Server.Tests.ApiTokens;

/// <summary>
/// Personal API tokens end to end: people get bearer tokens by signing in to an exempt
/// app, create API tokens over HTTP, and demo-api (a confidential client) exchanges them with RFC 8693.
/// </summary>
/// <remarks>
/// The tests share one host (tests/README.md, "One host for a test class"): each has an org like acme of its own, with
/// its own portal and its own exchanging API (as acme's demo-api), and signs in from an address of its own.
/// </remarks>
public sealed class ApiTokenExchangeTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private const string ApiSecret = "test-api-secret";
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string _api = null!;
    private OidcRelyingParty _portal = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        (string, AppRole)[] grants = [(_org.Admin, AppRole.Admin), (_org.External, AppRole.User), (_org.Member, AppRole.User)];
        _portal = await _idp.StartTokensPortalAsync($"{_org.Id}-tokens", _org.Id, grants);
        _api = $"{_org.Id}-api";
        await _idp.RegisterExchangingApiAsync(_api, ApiSecret, _org.Id, grants);
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>An exchange of <paramref name="apiToken"/> by this test's API, or the client named.</summary>
    private Task<(int Status, JsonElement Body)> ExchangeAsync(string? apiToken, string? clientId = null, string? clientSecret = ApiSecret,
        string subjectTokenType = ApiTokenType) =>
        ApiTokenTestDirectory.ExchangeAsync(_idp.Address, apiToken, clientId ?? _api, clientSecret, subjectTokenType);

    private Task<string> SignInAsync(string email, bool verified = false) =>
        AccessTokenAsync(_portal, email, verified ? _idp : null, _from);

    [Fact]
    public async Task External_users_token_works_is_blocked_at_once_by_policy_and_works_again_when_allowed()
    {
        using var bob = Bearer(_idp.Address, await SignInAsync(_org.External, verified: true));
        using var alice = Bearer(_idp.Address, await SignInAsync(_org.Admin));
        var (bobTokenId, bobToken) = await CreateTokenAsync(bob);
        var (_, aliceToken) = await CreateTokenAsync(alice);

        var (status, body) = await ExchangeAsync(bobToken);
        Assert.Equal(200, status);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", body.GetProperty("issued_token_type").GetString());
        var access = Tokens.Read(body.GetProperty("access_token").GetString()!);
        Assert.Equal(_org.Id, access.GetClaim("org").Value);
        Assert.Equal("external", access.GetClaim("user_type").Value);
        Assert.Equal("user", access.GetClaim("role").Value);
        Assert.Equal("urn:stepupidp:acr:basic", access.GetClaim("acr").Value);
        Assert.Equal(bobTokenId, access.GetClaim("api_token_id").Value);
        Assert.False(access.TryGetPayloadValue<object>("amr", out _));
        Assert.Equal(TimeSpan.FromMinutes(10), access.ValidTo - access.IssuedAt);
        Assert.False(access.TryGetPayloadValue<object>("scope", out _));

        // Its access token carries no scope: asking for one is refused, not half-honoured.
        var (scoped, scopedBody) = await ApiTokenTestDirectory.ExchangeAsync(_idp.Address, bobToken, _api, ApiSecret, scope: "openid");
        Assert.Equal(400, scoped);
        Assert.Equal("invalid_scope", scopedBody.Error());

        await _idp.SetApiTokenAccessAsync(_org.Id, ApiTokenAccess.Block);
        (status, body) = await ExchangeAsync(bobToken);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Contains("blocks API tokens for external users", body.Description());
        Assert.Equal(200, (await ExchangeAsync(aliceToken)).Status);

        // Creating a new one is refused up front too.
        var refused = await bob.PostAsJsonAsync("api/me/api-tokens", new { name = "again", lifetimeDays = 5 });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await _idp.SetApiTokenAccessAsync(_org.Id, ApiTokenAccess.Allow);
        Assert.Equal(200, (await ExchangeAsync(bobToken)).Status);

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
        using var dave = Bearer(_idp.Address, await SignInAsync(_org.Member));
        var (_, token) = await CreateTokenAsync(dave);
        Assert.Equal(200, (await ExchangeAsync(token)).Status);

        await _idp.SetRoleAsync(_api, _org.Member, AppRole.Guest);
        var (status, body) = await ExchangeAsync(token);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("Guests cannot use API tokens.", body.Description());
    }

    [Fact]
    public async Task Revoked_token_is_refused_and_listing_never_shows_a_secret()
    {
        using var alice = Bearer(_idp.Address, await SignInAsync(_org.Admin));
        var (id, token) = await CreateTokenAsync(alice, "deploy");
        Assert.Equal(200, (await ExchangeAsync(token)).Status);

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
        var (status, body) = await ExchangeAsync(token);
        Assert.Equal(400, status);
        Assert.Equal("The API token has been revoked.", body.Description());
        Assert.Equal(HttpStatusCode.NotFound, (await alice.DeleteAsync("api/me/api-tokens/0123456789abcdef0123456789abcdef")).StatusCode);

        // Another person's token answers as one that does not exist, and stays as it was.
        using var member = Bearer(_idp.Address, await SignInAsync(_org.Member, verified: true));
        var (memberId, memberToken) = await CreateTokenAsync(member);
        var foreign = await alice.DeleteAsync($"api/me/api-tokens/{memberId}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.Equal(200, (await ExchangeAsync(memberToken)).Status);
    }

    [Fact]
    public async Task The_secret_is_not_in_the_database()
    {
        using var bob = Bearer(_idp.Address, await SignInAsync(_org.External, verified: true));
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
    [InlineData("""{"name":"","lifetimeDays":30}""", "name")]
    [InlineData("""{"name":"   ","lifetimeDays":30}""", "name")]
    [InlineData("""{"lifetimeDays":30}""", "name")]
    [InlineData("""{"name":"ci\u0007","lifetimeDays":30}""", "name")]
    [InlineData("""{"name":"ci\u202egol","lifetimeDays":30}""", "name")]
    [InlineData("""{"name":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","lifetimeDays":30}""", "name")]
    public async Task A_malformed_creation_body_is_a_problem_naming_the_field_not_a_crash(string body, string field)
    {
        using var alice = Bearer(_idp.Address, await SignInAsync(_org.Admin));

        var response = await alice.PostAsync("api/me/api-tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Lifetime_over_the_orgs_maximum_is_a_validation_problem_naming_the_field()
    {
        await _idp.SetApiTokenAccessAsync(_org.Id, ApiTokenAccess.Allow, maxLifetimeDays: 30);
        using var alice = Bearer(_idp.Address, await SignInAsync(_org.Admin));

        var response = await alice.PostAsJsonAsync("api/me/api-tokens", new { name = "long", lifetimeDays = 31 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("30", problem.RootElement.GetProperty("errors").GetProperty("lifetimeDays")[0].GetString());
    }

    [Fact]
    public async Task The_number_of_live_tokens_is_limited_with_a_problem_and_revoked_or_expired_ones_do_not_count()
    {
        using var member = Bearer(_idp.Address, await SignInAsync(_org.Member, verified: true));
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var memberId = await db.Accounts.Where(a => a.Email == _org.Member).Select(a => a.Id).SingleAsync();
            var now = DateTimeOffset.UtcNow;
            ApiToken Row(int i, DateTimeOffset expiresAt, DateTimeOffset? revokedAt = null)
            {
                var secret = ApiTokenSecret.Create();
                return new ApiToken
                {
                    Id = secret.Id, OrganisationId = _org.Id, AccountId = memberId, Name = $"seeded-{i}", SecretHash = secret.Hash(),
                    CreatedAt = now, ExpiresAt = expiresAt, RevokedAt = revokedAt,
                };
            }

            // One short of the limit, and a revoked and an expired one that no longer count.
            db.ApiTokens.AddRange(Enumerable.Range(0, 49).Select(i => Row(i, now.AddDays(30))));
            db.ApiTokens.Add(Row(49, now.AddDays(30), revokedAt: now));
            db.ApiTokens.Add(Row(50, now.AddSeconds(-1)));
            await db.SaveChangesAsync();
        }

        var (fiftieth, _) = await CreateTokenAsync(member, name: "fiftieth");

        var refused = await member.PostAsJsonAsync("api/me/api-tokens", new { name = "one-too-many", lifetimeDays = 30 });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            Assert.Equal("https://stepupidp.dev/problems/too-many-api-tokens", problem.RootElement.GetProperty("type").GetString());
            Assert.Contains("50", problem.RootElement.GetProperty("detail").GetString());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync($"api/me/api-tokens/{fiftieth}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("api/me/api-tokens", new { name = "after-revoking", lifetimeDays = 30 })).StatusCode);
    }

    [Fact]
    public async Task A_deactivated_owners_token_answers_as_an_unknown_one()
    {
        using var member = Bearer(_idp.Address, await SignInAsync(_org.Member, verified: true));
        var (_, token) = await CreateTokenAsync(member);
        Assert.Equal(200, (await ExchangeAsync(token)).Status);

        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var account = await db.Accounts.SingleAsync(a => a.Email == _org.Member);
            account.DeactivatedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }

        var (status, body) = await ExchangeAsync(token);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("The API token is not valid.", body.Description());
    }

    [Fact]
    public async Task A_maximum_lifetime_lowered_later_ends_older_tokens_at_the_next_exchange()
    {
        using var alice = Bearer(_idp.Address, await SignInAsync(_org.Admin));
        var (id, token) = await CreateTokenAsync(alice, days: 90);
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            // Made 40 days ago.
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var row = await db.ApiTokens.SingleAsync(t => t.Id == id);
            row.CreatedAt = row.CreatedAt.AddDays(-40);
            row.ExpiresAt = row.ExpiresAt.AddDays(-40);
            await db.SaveChangesAsync();
        }

        Assert.Equal(200, (await ExchangeAsync(token)).Status);

        await _idp.SetApiTokenAccessAsync(_org.Id, ApiTokenAccess.Allow, maxLifetimeDays: 30);
        var (status, body) = await ExchangeAsync(token);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("The API token is older than the 30 days this organisation now allows.", body.Description());
    }

    [Fact]
    public async Task Any_member_reads_the_rules_in_force()
    {
        await _idp.SetApiTokenAccessAsync(_org.Id, ApiTokenAccess.Block, maxLifetimeDays: 90);
        using var bob = Bearer(_idp.Address, await SignInAsync(_org.External, verified: true));
        using var rules = JsonDocument.Parse(await bob.GetStringAsync($"api/orgs/{_org.Id}/api-token-rules"));
        Assert.Equal("block", rules.RootElement.GetProperty("externalUsers").GetString());
        Assert.Equal("block", rules.RootElement.GetProperty("guests").GetString());
        Assert.Equal(90, rules.RootElement.GetProperty("maxLifetimeDays").GetInt32());

        using var anonymous = new HttpClient { BaseAddress = _idp.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"api/orgs/{_org.Id}/api-token-rules")).StatusCode);
    }

    [Fact]
    public async Task An_exchanged_access_token_cannot_manage_api_tokens()
    {
        using var alice = Bearer(_idp.Address, await SignInAsync(_org.Admin));
        var (_, token) = await CreateTokenAsync(alice);
        var (_, body) = await ExchangeAsync(token);

        using var exchanged = Bearer(_idp.Address, body.GetProperty("access_token").GetString()!);
        var response = await exchanged.PostAsJsonAsync("api/me/api-tokens", new { name = "child", lifetimeDays = 30 });
        // It is issued to the relying API alone, never to the IdP's own API.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_exchanges_get_oauth_errors_not_500s()
    {
        using var alice = Bearer(_idp.Address, await SignInAsync(_org.Admin));
        var (_, token) = await CreateTokenAsync(alice);

        async Task Expect(string error, Task<(int Status, JsonElement Body)> call)
        {
            var (status, body) = await call;
            Assert.True(status is 400 or 401, $"status {status}: {body}");
            Assert.Equal(error, body.Error());
        }

        await Expect("invalid_request", ExchangeAsync(token, subjectTokenType: "urn:ietf:params:oauth:token-type:access_token"));
        await Expect("invalid_request", ExchangeAsync(token, subjectTokenType: "urn:stepupidp:token-type:other"));
        await Expect("invalid_request", ExchangeAsync(apiToken: null));
        await Expect("invalid_request", PostTokenAsync(_idp.Address, new Dictionary<string, string>
        {
            ["grant_type"] = ExchangeGrant, ["client_id"] = _api, ["client_secret"] = ApiSecret, ["subject_token"] = token,
        }));
        await Expect("invalid_request", PostTokenAsync(_idp.Address, new Dictionary<string, string>
        {
            ["grant_type"] = ExchangeGrant, ["client_id"] = _api, ["client_secret"] = ApiSecret,
            ["subject_token"] = token, ["subject_token_type"] = ApiTokenType, ["actor_token"] = token, ["actor_token_type"] = ApiTokenType,
        }));
        await Expect("invalid_grant", ExchangeAsync("garbage"));
        await Expect("invalid_grant", ExchangeAsync(token[..^4] + "AAAA"));
        await Expect("invalid_grant", ExchangeAsync("sut_" + new string('0', 32) + "_" + new string('A', 43)));
        await Expect("invalid_grant", ExchangeAsync(new string('x', 5000)));
        await Expect("invalid_client", ExchangeAsync(token, clientSecret: "wrong"));
        await Expect("invalid_client", ExchangeAsync(token, clientSecret: null));
        await Expect("unauthorized_client", ExchangeAsync(token, clientId: "demo-spa", clientSecret: null));

        // A confidential client of the org that is not permitted the grant.
        var clientCredentialsOnly = $"{_org.Id}-cc-only";
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>().CreateAsync(
                new OpenIddict.Abstractions.OpenIddictApplicationDescriptor
                {
                    ClientId = clientCredentialsOnly,
                    ClientSecret = ApiSecret,
                    ClientType = OpenIddict.Abstractions.OpenIddictConstants.ClientTypes.Confidential,
                    Permissions =
                    {
                        OpenIddict.Abstractions.OpenIddictConstants.Permissions.Endpoints.Token,
                        OpenIddict.Abstractions.OpenIddictConstants.Permissions.GrantTypes.ClientCredentials,
                    },
                });
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            db.Apps.Add(new App { ClientId = clientCredentialsOnly, OrganisationId = _org.Id, Name = clientCredentialsOnly, Enforcement = AppEnforcement.Enforced });
            await db.SaveChangesAsync();
        }

        await Expect("unauthorized_client", ExchangeAsync(token, clientId: clientCredentialsOnly));
        await Expect("invalid_client", ExchangeAsync(token, clientId: "nobody", clientSecret: "x"));
    }

    [Fact]
    public async Task Token_of_another_organisation_is_refused_naming_the_rule()
    {
        // The member's token is of this test's org; another org, of which the member is also a member, has an API
        // the member holds a role on.
        var other = await _idp.AddOrgLikeAcmeAsync();
        var otherApi = $"{other.Id}-api";
        await _idp.RegisterExchangingApiAsync(otherApi, ApiSecret, other.Id, (_org.Member, AppRole.User));
        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
            var memberId = await db.Accounts.Where(a => a.Email == _org.Member).Select(a => a.Id).SingleAsync();
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = other.Id, AccountId = memberId });
            await db.SaveChangesAsync();
        }

        using var member = Bearer(_idp.Address, await SignInAsync(_org.Member, verified: true));
        var (_, token) = await CreateTokenAsync(member);

        var (status, body) = await ExchangeAsync(token, otherApi);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("The API token belongs to another organisation.", body.Description());

        // Revoked, it tells its own org's API so, and another org's API no more than before.
        var (id, revoked) = await CreateTokenAsync(member, name: "revoked");
        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync($"api/me/api-tokens/{id}")).StatusCode);
        Assert.Equal("The API token has been revoked.", (await ExchangeAsync(revoked)).Body.Description());
        Assert.Equal("The API token belongs to another organisation.", (await ExchangeAsync(revoked, otherApi)).Body.Description());
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
