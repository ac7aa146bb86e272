using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// The demo data is what the README lists, and nothing more: a newcomer reading acme's people and external users over
/// the admin API finds alice, dave and bob. One host for the class; it only reads.
/// </summary>
public sealed class DemoDataTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    private readonly IdpHost _idp = shared.Host;

    [Fact]
    public async Task Acme_has_alice_as_admin_dave_as_user_and_bob_as_its_only_external_user()
    {
        using var alice = await AdminClient.ForAsync(_idp, "alice@acme.test", from: LoopbackAddresses.Next());

        var users = (await alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/users?pageSize=200")).GetProperty("users").EnumerateArray().ToList();
        var external = (await alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-users")).GetProperty("users").EnumerateArray();
        var policy = await alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/external-policy");

        Assert.Equal(["alice@acme.test", "bob@partner.test", "dave@acme.test"], users.Select(u => u.GetProperty("email").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["alice@acme.test"], users.Where(u => u.GetProperty("admin").GetBoolean()).Select(u => u.GetProperty("email").GetString()));
        Assert.Equal(["bob@partner.test"], external.Select(u => u.GetProperty("email").GetString()));
        Assert.Equal(("required", "P1D"), (policy.GetProperty("verification").GetString(), policy.GetProperty("reverifyEvery").GetString()));
    }
}
