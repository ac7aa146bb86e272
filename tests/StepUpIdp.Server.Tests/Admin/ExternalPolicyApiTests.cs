using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Admin;

/// <summary>
/// The admin API for the external-user policy: who may use it, how it validates, what it records. One host for the
/// class: tests that only read use the demo's acme, and tests that write (or would, were a check broken) an org of their own.
/// </summary>
public sealed class ExternalPolicyApiTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private readonly List<HttpClient> _clients = [];
    private HttpClient _alice = null!;

    /// <summary>Alice's admin API client, signed in once for the class (acme is only read).</summary>
    public async Task InitializeAsync() => _alice = await shared.OnceAsync("alice", () => AdminClient.ForAsync(_idp, "alice@acme.test", from: _from));

    public Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        return Task.CompletedTask;
    }

    /// <summary>A fresh org like acme, and its admin's API client.</summary>
    private async Task<(TestOrg Org, HttpClient Admin)> OwnOrgAsync()
    {
        var org = await _idp.AddOrgLikeAcmeAsync();
        var admin = await AdminClient.ForAsync(_idp, org.Admin, org.Id, from: _from);
        _clients.Add(admin);
        return (org, admin);
    }

    [Fact]
    public async Task Admin_reads_the_demo_policy()
    {
        var policy = await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-policy");

        Assert.Equal("required", policy.GetProperty("verification").GetString());
        Assert.Equal("P1D", policy.GetProperty("reverifyEvery").GetString());
    }

    [Fact]
    public async Task Invalid_fields_are_refused_by_name_and_the_stored_policy_is_unchanged()
    {
        var (org, admin) = await OwnOrgAsync();
        var response = await admin.PutAsJsonAsync($"api/orgs/{org.Id}/external-policy", new
        {
            verification = "sometimes",
            reverifyEvery = "PT1M",
            methods = new[] { "email_otp", "sms" },
            requireTwoStepVerification = false,
            apiTokens = "allow",
            apiTokenMaxLifetimeDays = 365,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://stepupidp.dev/problems/validation", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("verification", out _));
        Assert.True(errors.TryGetProperty("reverifyEvery", out _));
        Assert.True(errors.TryGetProperty("methods", out _));

        var stored = await admin.GetFromJsonAsync<JsonElement>($"api/orgs/{org.Id}/external-policy");
        Assert.Equal("P1D", stored.GetProperty("reverifyEvery").GetString());
    }

    [Theory]
    [InlineData("application/json", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("application/json", """{"apiTokenMaxLifetimeDays": "many"}""", HttpStatusCode.BadRequest)]
    [InlineData("text/plain", "verification=off", HttpStatusCode.UnsupportedMediaType)]
    public async Task Malformed_bodies_get_problem_details(string contentType, string body, HttpStatusCode expected)
    {
        var (org, admin) = await OwnOrgAsync();
        var response = await admin.PutAsync($"api/orgs/{org.Id}/external-policy", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_valid_policy_is_stored_and_the_change_is_audited()
    {
        var (org, admin) = await OwnOrgAsync();
        var response = await admin.PutAsJsonAsync($"api/orgs/{org.Id}/external-policy", new
        {
            verification = "required",
            reverifyEvery = "PT12H",
            methods = new[] { "email_otp", "totp" },
            requireTwoStepVerification = false,
            apiTokens = "block",
            apiTokenMaxLifetimeDays = 90,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var stored = await admin.GetFromJsonAsync<JsonElement>($"api/orgs/{org.Id}/external-policy");
        Assert.Equal("PT12H", stored.GetProperty("reverifyEvery").GetString());
        var audit = await admin.GetFromJsonAsync<JsonElement>($"api/orgs/{org.Id}/audit");
        var change = audit.GetProperty("entries").EnumerateArray().First(e => e.GetProperty("action").GetString() == "policy.changed");
        Assert.Contains("reverifyEvery P1D -> PT12H", change.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Preview_names_who_would_lose_api_tokens_without_changing_anything()
    {
        var (org, admin) = await OwnOrgAsync();
        await _idp.AddApiTokenAsync(org.External, org.Id);
        var preview = await PreviewApiTokensAsync(admin, org.Id, "block", 365);

        Assert.Contains(preview.GetProperty("loseApiTokenAccess").EnumerateArray(), p => p.GetProperty("email").GetString() == org.External);
        Assert.DoesNotContain(preview.GetProperty("loseApiTokenAccess").EnumerateArray(), p => p.GetProperty("email").GetString() == org.Admin);
        var stored = await admin.GetFromJsonAsync<JsonElement>($"api/orgs/{org.Id}/external-policy");
        Assert.Equal("allow", stored.GetProperty("apiTokens").GetString());
    }

    [Fact]
    public async Task Preview_names_who_would_lose_api_tokens_to_a_lower_maximum_lifetime()
    {
        var (org, admin) = await OwnOrgAsync();
        await _idp.AddApiTokenAsync(org.External, org.Id, createdDaysAgo: 40);
        var preview = await PreviewApiTokensAsync(admin, org.Id, "allow", 30);

        Assert.Contains(preview.GetProperty("loseApiTokenAccess").EnumerateArray(), p => p.GetProperty("email").GetString() == org.External);

        // A maximum the token's age still fits loses nobody.
        var (other, otherAdmin) = await OwnOrgAsync();
        await _idp.AddApiTokenAsync(other.External, other.Id, createdDaysAgo: 10);
        var fits = await PreviewApiTokensAsync(otherAdmin, other.Id, "allow", 30);
        Assert.Empty(fits.GetProperty("loseApiTokenAccess").EnumerateArray());
    }

    /// <summary>Previews the default policy (email passcode, daily) with the given API-token rules.</summary>
    private static async Task<JsonElement> PreviewApiTokensAsync(HttpClient admin, string orgId, string apiTokens, int maxLifetimeDays)
    {
        var response = await admin.PostAsJsonAsync($"api/orgs/{orgId}/external-policy/preview", new
        {
            verification = "required",
            reverifyEvery = "P1D",
            methods = new[] { "email_otp" },
            requireTwoStepVerification = false,
            apiTokens,
            apiTokenMaxLifetimeDays = maxLifetimeDays,
        });
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task External_users_lists_bob_as_due_and_not_alice()
    {
        var listing = await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-users");
        var users = listing.GetProperty("users").EnumerateArray().ToList();

        var bob = Assert.Single(users, u => u.GetProperty("email").GetString() == "bob@partner.test");
        Assert.Equal("due", bob.GetProperty("status").GetString());
        Assert.False(bob.GetProperty("locked").GetBoolean());
        Assert.DoesNotContain(users, u => u.GetProperty("email").GetString() == "alice@acme.test");
    }

    [Theory]
    [InlineData("page=2147483647", HttpStatusCode.OK)]
    [InlineData("page=2147483647&pageSize=200", HttpStatusCode.OK)]
    [InlineData("page=0", HttpStatusCode.BadRequest)]
    [InlineData("pageSize=5000", HttpStatusCode.BadRequest)]
    public async Task Audit_paging_far_past_the_end_is_empty_and_nonsense_is_a_problem(string query, HttpStatusCode expected)
    {
        var response = await _alice.GetAsync("api/orgs/acme/audit?" + query);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Empty(page.GetProperty("entries").EnumerateArray());
        }
    }

    [Fact]
    public async Task A_member_who_is_not_admin_is_forbidden_and_no_token_is_unauthenticated()
    {
        using var dave = await AdminClient.ForAsync(_idp, "dave@acme.test", from: _from);
        var asDave = await dave.GetAsync("api/orgs/acme/external-policy");
        Assert.Equal(HttpStatusCode.Forbidden, asDave.StatusCode);

        using var anonymous = new HttpClient { BaseAddress = _idp.Address };
        var noToken = await anonymous.GetAsync("api/orgs/acme/external-policy");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);

        var otherOrg = await _alice.GetAsync("api/orgs/globex/external-policy");
        Assert.Equal(HttpStatusCode.Forbidden, otherOrg.StatusCode);
    }
}
