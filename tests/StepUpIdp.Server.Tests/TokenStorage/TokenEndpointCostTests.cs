using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.TokenStorage;

/// <summary>
/// What the token endpoint's shortcuts must not change: a remembered client secret is still the secret (a
/// changed one is refused at once), JWT access tokens leave no row behind yet validate against the JWKS.
/// </summary>
public sealed class TokenEndpointCostTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new(settings: new Dictionary<string, string?> { ["TokenPruning:Enabled"] = "false" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task A_remembered_secret_stops_working_when_the_client_secret_changes()
    {
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync("demo-api-secret"));
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync("demo-api-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsAsync("demo-api-secret-but-wrong"));

        await using (var scope = _idp.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var client = await applications.FindByClientIdAsync("demo-api") ?? throw new InvalidOperationException("no demo-api");
            await applications.UpdateAsync(client, "a-new-secret-for-demo-api");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsAsync("demo-api-secret"));
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync("a-new-secret-for-demo-api"));
    }

    [Fact]
    public async Task Access_tokens_leave_no_row_validate_against_the_jwks_and_cannot_be_revoked_one_by_one()
    {
        var before = await CountTokensAsync();
        using var issued = await Tokens.PostFormAsync(new Uri(_idp.Address, "connect/token"), Form("demo-api-secret"));
        var accessToken = issued.RootElement.GetProperty("access_token").GetString()!;

        Assert.Equal(before, await CountTokensAsync());
        var validated = await Tokens.ValidateIdTokenAsync(_idp.Address, accessToken, "demo-api");
        Assert.Equal("demo-api", validated.Subject);

        using var http = new HttpClient();
        var revoke = await http.PostAsync(new Uri(_idp.Address, "connect/revoke"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "demo-api",
            ["client_secret"] = "demo-api-secret",
            ["token"] = accessToken,
        }));
        using var refused = JsonDocument.Parse(await revoke.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, revoke.StatusCode);
        Assert.Equal("unsupported_token_type", refused.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_jwks_is_served_as_json_with_the_signing_key_only()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(_idp.Address, ".well-known/jwks"));
        using var jwks = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _), "the private exponent must never be published");
    }

    private async Task<HttpStatusCode> ClientCredentialsAsync(string secret)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(_idp.Address, "connect/token"), new FormUrlEncodedContent(Form(secret)));
        return response.StatusCode;
    }

    private static Dictionary<string, string> Form(string secret) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = "demo-api",
        ["client_secret"] = secret,
    };

    private async Task<long> CountTokensAsync()
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().CountAsync();
    }
}
