using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A host of one test's own with acme's enforced app <c>acme-wiki</c> (redirect URI <see cref="Callback"/>), the people
/// the test names granted the user role on it, and mail to an SMTP sink; on the test's clock and settings when it gives
/// them. For tests that need a pristine host (tests/README.md, "One host for a test class"); disposing stops both.
/// </summary>
public sealed class AcmeWikiHost : IAsyncDisposable
{
    public const string ClientId = "acme-wiki";

    public static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");

    private AcmeWikiHost(IdpHost idp, SmtpSink mail)
    {
        Idp = idp;
        Mail = mail;
    }

    public IdpHost Idp { get; }

    public SmtpSink Mail { get; }

    /// <param name="users">The people granted the user role on acme-wiki.</param>
    public static async Task<AcmeWikiHost> StartAsync(IEnumerable<string> users, FakeTimeProvider? clock = null,
        IDictionary<string, string?>? settings = null)
    {
        var mail = await SmtpSink.StartAsync();
        var host = new AcmeWikiHost(new IdpHost(smtp: mail, clock: clock, settings: settings), mail);
        try
        {
            await host.Idp.RegisterPublicAppAsync(ClientId, "acme", Callback, AppEnforcement.Enforced);
            foreach (var user in users)
            {
                await host.Idp.GrantAsync(ClientId, user, AppRole.User);
            }
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>A new authorization-code flow of acme-wiki, as the app starts one for each sign-in.</summary>
    public CodeFlow NewFlow() => new(Idp.Address, ClientId, Callback);

    public async ValueTask DisposeAsync()
    {
        await Idp.DisposeAsync();
        await Mail.DisposeAsync();
    }
}
