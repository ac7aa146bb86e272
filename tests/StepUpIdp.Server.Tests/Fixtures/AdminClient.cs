using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>An HTTP client carrying an org admin's bearer token (scope stepup.admin), obtained through the real code flow.</summary>
public static class AdminClient
{
    private static readonly Uri ConsoleRedirect = new("http://127.0.0.1:9/admin-console/callback");

    /// <param name="session">A browser already signed in (and verified) as the admin: its session is used, so no new code is sent.</param>
    /// <param name="from">Without a session, the address the sign-in comes from (<see cref="LoopbackAddresses"/>).</param>
    public static async Task<HttpClient> ForAsync(IdpHost idp, string email, string organisationId = "acme", Browser? session = null,
        System.Net.IPAddress? from = null)
    {
        var clientId = $"{organisationId}-admin-console";
        await using (var scope = idp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StepUpIdp.Infrastructure.Data.StepUpDbContext>();
            if (await db.Apps.FindAsync(clientId) is null)
            {
                await idp.RegisterPublicAppAsync(clientId, organisationId, ConsoleRedirect, AppEnforcement.Exempt);
            }
        }

        await TryGrantAsync(idp, clientId, email);
        using var own = session is null ? new Browser(from) : null;
        var browser = session ?? own!;
        var stopAt = browser.StopAt;
        browser.StopAt = ConsoleRedirect;
        var flow = new CodeFlow(idp.Address, clientId, ConsoleRedirect);
        var page = await browser.OpenAsync(flow.AuthorizeUri("openid stepup.admin"));
        // Scope stepup.admin asks for a one-time passcode on top of the password.
        var callback = await browser.CompleteAsync(idp, page, email);
        browser.StopAt = stopAt;
        var (code, error, description) = CodeFlow.ReadCallback(callback);
        Assert.True(code is not null, $"{error}: {description}");
        var (status, body) = await flow.RedeemAsync(code);
        Assert.Equal(200, status);

        var http = new HttpClient { BaseAddress = idp.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return http;
    }

    private static async Task TryGrantAsync(IdpHost idp, string clientId, string email)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpIdp.Infrastructure.Data.StepUpDbContext>();
        var account = db.Accounts.Single(a => a.Email == email);
        if (await db.RoleGrants.FindAsync(clientId, account.Id) is null)
        {
            await idp.GrantAsync(clientId, email, AppRole.User);
        }
    }
}
