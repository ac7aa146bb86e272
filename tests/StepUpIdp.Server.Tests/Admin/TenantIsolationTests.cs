using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.TwoStep.TwoStepSteps;

namespace StepUpIdp.Server.Tests.Admin;

/// <summary>
/// One org acts on an account as a whole (authenticator, lock-out) only when it manages it: the account's email is on
/// one of its verified domains. For anyone else, inviting them as a guest included, it acts on its own records only.
/// </summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = NewClock();
    private IdpHost _idp = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _idp = new IdpHost(clock: _clock);
        _alice = await AdminClient.ForAsync(_idp, "alice@acme.test");
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task An_org_that_invites_someone_as_a_guest_cannot_remove_his_authenticator_or_lift_his_lock_out()
    {
        var vicId = await _idp.AddAccountAsync("vic@vendor.test", organisationId: null);
        await InviteAsync("vic@vendor.test");
        await EnrolOnOwnPageAsync(_idp, _clock, "vic@vendor.test");

        foreach (var action in new[] { "reset-authenticator", "unlock" })
        {
            using var refused = await _alice.PostAsync($"api/orgs/acme/external-users/{vicId}/{action}", null);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("https://stepupidp.dev/problems/account-not-managed", problem.GetProperty("type").GetString());
        }

        Assert.True(await HasAuthenticatorAsync(vicId));
        using var ownRecord = await _alice.PostAsync($"api/orgs/acme/external-users/{vicId}/reset-verification", null);
        Assert.Equal(HttpStatusCode.NoContent, ownRecord.StatusCode);
        var audit = await _alice.GetFromJsonAsync<JsonElement>("api/orgs/acme/audit?pageSize=100");
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(),
            e => e.GetProperty("action").GetString() == "totp.disabled" && e.GetProperty("outcome").GetString() == "denied" && e.GetProperty("subject").GetString() == vicId);
    }

    [Fact]
    public async Task An_org_resets_the_authenticator_of_anyone_on_its_own_domain_guests_included()
    {
        var newcomerId = await _idp.AddAccountAsync("newcomer@acme.test", organisationId: null);
        await EnrolOnOwnPageAsync(_idp, _clock, "newcomer@acme.test");
        var gusId = await _idp.AddAccountAsync("gus@acme.test", organisationId: null);
        await EnrolOnOwnPageAsync(_idp, _clock, "gus@acme.test");
        await InviteAsync("gus@acme.test");
        var erinId = await _idp.AddAccountAsync("erin@acme.test");
        await EnrolOnOwnPageAsync(_idp, _clock, "erin@acme.test");

        foreach (var id in new[] { gusId, erinId, newcomerId })
        {
            using var reset = await _alice.PostAsync($"api/orgs/acme/external-users/{id}/reset-authenticator", null);
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
            Assert.False(await HasAuthenticatorAsync(id));
        }
    }

    [Fact]
    public async Task An_account_on_another_domain_that_does_not_act_in_the_org_is_not_found()
    {
        var strangerId = await _idp.AddAccountAsync("stranger@elsewhere.test", organisationId: null);

        using var answer = await _alice.PostAsync($"api/orgs/acme/external-users/{strangerId}/reset-authenticator", null);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }

    private async Task InviteAsync(string email)
    {
        using var invited = await _alice.PostAsJsonAsync("api/orgs/acme/apps/demo-spa/guests", new { emails = new[] { email }, spaces = new[] { "eng" } });
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
    }

    private async Task<bool> HasAuthenticatorAsync(string accountId)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        return await db.Set<AccountAuthenticator>().AnyAsync(a => a.AccountId == accountId);
    }
}
