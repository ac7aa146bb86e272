using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Guests;

/// <summary>
/// Invitations at the same moment on one org: the allowance holds exactly and nobody gets a 500. On PostgreSQL
/// (STEPUPIDP_TEST_POSTGRES) the serializable transactions conflict and are retried.
/// </summary>
public sealed class GuestConcurrencyTests : IAsyncLifetime
{
    private const string Guests = "api/orgs/acme/apps/demo-spa/guests";
    private AcmeAdminHost _acme = null!;

    public async Task InitializeAsync() => _acme = await AcmeAdminHost.StartAsync();

    public async Task DisposeAsync() => await _acme.DisposeAsync();

    [Fact]
    public async Task Twenty_invitations_at_once_fill_the_allowance_of_fifteen_and_the_rest_get_409()
    {
        // Demo seats: alice, dave and bob hold the user or admin role, so the allowance is 3 × 5 = 15.
        var answers = await Burst.SendAsync(20, i => _acme.Alice.PostAsJsonAsync(Guests, new { emails = new[] { $"guest{i}@vendor.test" }, spaces = new[] { "eng" } }));

        Assert.Equal(15, answers.Count(HttpStatusCode.OK));
        Assert.Equal(5, answers.Count(HttpStatusCode.Conflict));
        var listed = (await _acme.Alice.GetFromJsonAsync<JsonElement>(Guests)).GetProperty("guests").GetArrayLength();
        Assert.Equal(15, listed);
        var audit = await _acme.Alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit?pageSize=100");
        Assert.Equal(15, audit.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "guest.invited"));
    }
}
