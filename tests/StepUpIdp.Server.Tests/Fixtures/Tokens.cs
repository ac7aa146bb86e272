using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>Validates tokens the way a relying party does: against the JWKS the IdP publishes.</summary>
public static class Tokens
{
    public static async Task<JsonWebToken> ValidateIdTokenAsync(Uri issuer, string token, string audience)
    {
        using var http = new HttpClient();
        var jwks = new JsonWebKeySet(await http.GetStringAsync(new Uri(issuer, ".well-known/jwks")));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.ToString(),
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateLifetime = true,
        });
        Assert.True(result.IsValid, $"The ID token does not validate against the published JWKS: {result.Exception?.Message}");
        return (JsonWebToken)result.SecurityToken;
    }

    public static JsonWebToken Read(string token) => new(token);

    public static string[] StringArray(this JsonWebToken token, string claim)
    {
        Assert.True(token.TryGetPayloadValue<JsonElement>(claim, out var value), $"claim {claim} is missing");
        Assert.Equal(JsonValueKind.Array, value.ValueKind);
        return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public static async Task<JsonDocument> PostFormAsync(Uri url, IDictionary<string, string> form)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(url, new FormUrlEncodedContent(form));
        return await response.Content.ReadFromJsonAsync<JsonDocument>() ?? throw new InvalidOperationException("empty response");
    }
}
