using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// The authorization-code + PKCE flow driven by hand, for tests that need to stop at the code or that move
/// the IdP's clock (a library relying party would reject tokens from the IdP's "future"). The browser does
/// what a person does on the pages; this plays the app's part of the protocol.
/// </summary>
public sealed class CodeFlow(Uri idp, string clientId, Uri redirectUri)
{
    public string Verifier { get; } = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
    public string State { get; } = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));

    public Uri AuthorizeUri(string scope = "openid profile email offline_access", string? extra = null)
    {
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Verifier)));
        var query = QueryHelpers.AddQueryString(new Uri(idp, "connect/authorize").ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri.ToString(),
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = State,
            ["nonce"] = "n-" + State,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });
        return new Uri(extra is null ? query : query + "&" + extra);
    }

    /// <summary>Where the IdP sent the browser back: the code, or the OAuth error, from the redirect URI's query.</summary>
    public static (string? Code, string? Error, string? Description) ReadCallback(Page page)
    {
        var query = QueryHelpers.ParseQuery(page.Url.Query);
        return (query.TryGetValue("code", out var code) ? code.ToString() : null,
            query.TryGetValue("error", out var error) ? error.ToString() : null,
            query.TryGetValue("error_description", out var description) ? description.ToString() : null);
    }

    public async Task<(int Status, JsonElement Body)> RedeemAsync(string code, string? verifier = null)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(idp, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = code,
            ["redirect_uri"] = redirectUri.ToString(),
            ["code_verifier"] = verifier ?? Verifier,
        }));
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public async Task<(int Status, JsonElement Body)> RefreshAsync(string refreshToken)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(idp, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = clientId,
            ["refresh_token"] = refreshToken,
        }));
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
