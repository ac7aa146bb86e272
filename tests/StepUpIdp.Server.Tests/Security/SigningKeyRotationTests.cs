using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Server.Oidc;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Security;

/// <summary>
/// Signing keys rotate without downtime (docs/security.md, "Signing keys"): the next key is published before it signs,
/// and the previous one stays published after it stopped signing.
/// </summary>
public sealed class SigningKeyRotationTests
{
    [Fact]
    public async Task The_next_key_is_published_before_it_signs_and_the_previous_one_after()
    {
        var next = TokenKeys.NewSigningKeyPem();

        // Step 1: the next key is in the JWKS, tokens are still signed with the current one.
        string current;
        string nextKid;
        string oldPem;
        await using (var before = new IdpHost(settings: new Dictionary<string, string?> { ["Keys:NextSigningKey"] = next }))
        {
            var published = await KeyIdsAsync(before);
            current = await SignedWithAsync(before);
            Assert.Equal(2, published.Count);
            Assert.Contains(current, published);
            nextKid = published.Single(kid => kid != current);
            oldPem = await File.ReadAllTextAsync(Path.Combine(before.DataPath, "keys", "signing.pem"));
        }

        // Step 2: the next key signs, the old one is still published for tokens it signed.
        await using var after = new IdpHost(settings: new Dictionary<string, string?>
        {
            ["Keys:SigningKey"] = next,
            ["Keys:PreviousSigningKey"] = oldPem,
        });
        Assert.Equal(nextKid, await SignedWithAsync(after));
        var publishedAfter = await KeyIdsAsync(after);
        Assert.Equal(2, publishedAfter.Count);
        Assert.Contains(current, publishedAfter);
        Assert.Contains(nextKid, publishedAfter);
    }

    private static async Task<List<string>> KeyIdsAsync(IdpHost idp)
    {
        using var http = new HttpClient();
        var jwks = await http.GetFromJsonAsync<JsonElement>(new Uri(idp.Address, ".well-known/jwks"));
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    private static async Task<string> SignedWithAsync(IdpHost idp)
    {
        using var issued = await Tokens.PostFormAsync(new Uri(idp.Address, "connect/token"), new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "demo-api",
            ["client_secret"] = "demo-api-secret",
        });
        return Tokens.Read(issued.RootElement.GetProperty("access_token").GetString()!).Kid;
    }
}
