using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// Every route of an org's admin API (<c>/api/orgs/{org}/...</c>) and admin pages (<c>/admin/{org}/...</c>), with every
/// method and page handler, refuses the admin of another org: 403 or 404, with their admin API token or their browser
/// session (and its valid antiforgery token), and nothing of acme's changes.
/// </summary>
public sealed class TenantIsolationTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    private readonly IdpHost _idp = shared.Host;

    /// <summary>The admin of an org of their own, signed in to it: their credentials are good, only not for acme.</summary>
    private Task<SignedInAdmin> OtherAdminAsync() => shared.OnceAsync("other-admin", async () =>
    {
        var org = await _idp.AddOrgLikeAcmeAsync();
        return await SignedInAdmin.SignInAsync(_idp, org.Admin, org.Id);
    });

    [Fact]
    public async Task Every_admin_route_of_acme_refuses_another_orgs_admin_and_changes_nothing()
    {
        var other = await OtherAdminAsync();
        var token = await AntiforgeryTokenAsync(other);
        var calls = (await RouteInventory.CallsAsync(_idp))
            .Where(c => c.Pattern.StartsWith("/api/orgs/{org}/", StringComparison.Ordinal) || c.Pattern.StartsWith("/admin/{org}/", StringComparison.Ordinal))
            .ToList();

        var leaks = new List<string>();
        foreach (var call in calls)
        {
            // Pages take the browser session; the API takes the admin token, and some of it (what any member may
            // read) the session too: an API refuses a session it does not take with 401.
            var credentials = call.IsPage
                ? new[] { ("browser session", other.Cookie, new[] { 403, 404 }) }
                : [("admin API token", other.Bearer, [403, 404]), ("browser session", other.Cookie, [401, 403, 404])];
            foreach (var (credential, http, refusals) in credentials)
            {
                var before = await DatabaseFingerprint.TakeAsync(_idp);

                using var response = await http.SendAsync(Request(call, token));

                var status = (int)response.StatusCode;
                var changed = DatabaseFingerprint.Difference(before, await DatabaseFingerprint.TakeAsync(_idp));
                if (!refusals.Contains(status) || changed.Length > 0)
                {
                    leaks.Add($"{call} with the {credential} -> {status}{(changed.Length > 0 ? "\n  changed:\n" + changed : string.Empty)}");
                }
            }
        }

        Assert.True(leaks.Count == 0, $"Acme's admin routes answering {other.Email}, an admin of {other.OrganisationId}:\n" + string.Join('\n', leaks));
        Assert.True(calls.Count >= 60, $"Only {calls.Count} admin routes were tried.");
    }

    /// <summary>The call with a body that would change something, and the other admin's own valid antiforgery token.</summary>
    private HttpRequestMessage Request(RouteCall call, string token)
    {
        var request = new HttpRequestMessage(new HttpMethod(call.Method), new Uri(_idp.Address, call.Target.TrimStart('/')));
        if (!call.IsSafe)
        {
            request.Content = call.IsPage
                ? new FormUrlEncodedContent([new(Options.FormFieldName, token)])
                : new StringContent("""{"name":"taken over","emails":["mallory@evil.example"]}""", System.Text.Encoding.UTF8, "application/json");
            request.Headers.Add(Options.HeaderName!, token);
        }

        return request;
    }

    [Fact]
    public async Task The_other_admin_is_an_admin_of_their_own_org()
    {
        // The refusals above are for acme: the same credentials open the same routes of their own org.
        var other = await OtherAdminAsync();

        using var api = await other.Bearer.GetAsync(new Uri(_idp.Address, $"api/orgs/{other.OrganisationId}/users"));
        using var page = await other.Cookie.GetAsync(new Uri(_idp.Address, $"admin/{other.OrganisationId}/apps"));

        Assert.Equal(200, (int)api.StatusCode);
        Assert.Equal(200, (int)page.StatusCode);
    }

    private AntiforgeryOptions Options => _idp.Service<IOptions<AntiforgeryOptions>>().Value;

    /// <summary>A token of the other admin's own session, from a form of their own org's pages.</summary>
    private async Task<string> AntiforgeryTokenAsync(SignedInAdmin other)
    {
        var page = await other.Browser.OpenAsync(new Uri(_idp.Address, $"admin/{other.OrganisationId}/groups"));
        var token = page.Document.QuerySelector($"input[name='{Options.FormFieldName}']")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(token), $"No antiforgery token on {page.Url}");
        return token!;
    }
}
