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
/// API tokens created and revoked at the same moment (docs/operations.md, "Concurrent changes"): the lifetime limit
/// holds for each, every answer matches what is stored and audited, and nobody gets a 500. On PostgreSQL
/// (STEPUPIDP_TEST_POSTGRES) the serializable transactions are retried when they conflict.
/// </summary>
public sealed class ApiTokenConcurrencyTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new();
    private OidcRelyingParty _portal = null!;
    private HttpClient _bob = null!;

    public async Task InitializeAsync()
    {
        _portal = await _idp.StartTokensPortalAsync(("bob@partner.test", AppRole.User));
        await _idp.SetApiTokenAccessAsync("acme", ApiTokenAccess.Allow, maxLifetimeDays: 90);
        _bob = Bearer(_idp.Address, await AccessTokenAsync(_portal, "bob@partner.test", _idp));
    }

    public async Task DisposeAsync()
    {
        _bob.Dispose();
        await _portal.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task Thirty_creations_at_once_keep_the_lifetime_limit_and_each_answer_matches_what_is_stored()
    {
        // Every third asks for longer than the org's 90 days.
        var answers = await Burst.SendAsync(30, i => _bob.PostAsJsonAsync("api/me/api-tokens", new { name = $"ci-{i}", lifetimeDays = i % 3 == 0 ? 120 : 30 }));

        Assert.Equal(20, answers.Count(HttpStatusCode.Created));
        Assert.Equal(10, answers.Count(HttpStatusCode.BadRequest));
        Assert.All(answers.Select((a, i) => (a, i)), x => Assert.Equal(x.i % 3 == 0 ? HttpStatusCode.BadRequest : HttpStatusCode.Created, x.a.Status));
        var created = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("id").GetString()).ToList();
        var listed = (await _bob.GetFromJsonAsync<JsonElement>("api/me/api-tokens")).EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal(created.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(20, await AuditCountAsync("api_token.created"));
        Assert.Equal(10, await AuditCountAsync("api_token.refused"));
    }

    [Fact]
    public async Task A_token_revoked_twenty_times_at_once_is_revoked_once()
    {
        var (id, _) = await CreateTokenAsync(_bob);

        var answers = await Burst.SendAsync(20, _ => _bob.DeleteAsync($"api/me/api-tokens/{id}"));

        Assert.Equal(20, answers.Count(HttpStatusCode.NoContent));
        var token = (await _bob.GetFromJsonAsync<JsonElement>("api/me/api-tokens")).EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.NotEqual(JsonValueKind.Null, token.GetProperty("revokedAt").ValueKind);
        Assert.Equal(1, await AuditCountAsync("api_token.revoked"));
    }

    private async Task<int> AuditCountAsync(string action)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StepUpDbContext>().AuditEntries.AsNoTracking().CountAsync(e => e.Action == action);
    }
}
