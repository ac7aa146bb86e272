using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.TwoStep;

/// <summary>What the two-step tests share: a host with a fake clock and acme's enforced app (<see cref="AcmeWikiHost"/>), and a few steps.</summary>
public static class TwoStepSteps
{
    public static readonly Uri Callback = AcmeWikiHost.Callback;

    /// <summary>10 s into a 30-second step, so a code computed "now" is unambiguous.</summary>
    public static FakeTimeProvider NewClock()
    {
        var now = DateTimeOffset.UtcNow;
        return new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 30 * 30 + 10));
    }

    /// <summary>
    /// acme-wiki for bob on <paramref name="clock"/>, with sessions that outlast the clock's moves and room for a burst of
    /// posts from one address: the host of the tests that send many codes at once.
    /// </summary>
    public static Task<AcmeWikiHost> StartBurstHostAsync(FakeTimeProvider clock) =>
        AcmeWikiHost.StartAsync(["bob@partner.test"], clock, new Dictionary<string, string?>
        {
            ["Idp:SessionLifetimeMinutes"] = "1440",
            ["Idp:SignInPostsPerMinutePerIp"] = "1000",
        });

    /// <summary>
    /// Enrols an authenticator from the account's own page, then, a step of the clock later (the enrolment used this
    /// step's code), signs in to acme-wiki with the password in <paramref name="browser"/>: the page asking for a code.
    /// </summary>
    public static async Task<(Page VerifyPage, AuthenticatorApp App, IReadOnlyList<string> RecoveryCodes)> EnrolThenSignInToWikiAsync(
        AcmeWikiHost wiki, FakeTimeProvider clock, Browser browser, string email)
    {
        var (app, codes) = await EnrolOnOwnPageAsync(wiki.Idp, clock, email);
        clock.Advance(TimeSpan.FromSeconds(30));
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(wiki.NewFlow().AuthorizeUri()), email);
        Assert.Equal("/account/verify-authenticator", verifyPage.Url.AbsolutePath);
        return (verifyPage, app, codes);
    }

    /// <summary>Sets an authenticator up outside any sign-in to an app, from the account's own page.</summary>
    public static async Task<(AuthenticatorApp App, IReadOnlyList<string> RecoveryCodes)> EnrolOnOwnPageAsync(IdpHost idp, FakeTimeProvider clock, string email)
    {
        using var browser = new Browser();
        var enrolPage = await browser.SignInAsync(await browser.OpenAsync(new Uri(idp.Address, "account/authenticator")), email);
        enrolPage = await ConfirmFirstAsync(browser, idp, enrolPage, email);
        var app = AuthenticatorApp.ReadFrom(enrolPage, clock);
        var (_, codes) = await app.EnrolAsync(browser, enrolPage);
        return (app, codes);
    }

    /// <summary>
    /// On the enrolment page of someone who is external somewhere: follows "Confirm it's you" through the emailed code
    /// and back to the enrolment page. Anyone else's page is returned as it is.
    /// </summary>
    public static async Task<Page> ConfirmFirstAsync(Browser browser, IdpHost idp, Page enrolPage, string email)
    {
        if (enrolPage.Document.QuerySelector("#confirm-link")?.GetAttribute("href") is not { } confirm)
        {
            return enrolPage;
        }

        var page = await browser.CompleteAsync(idp, await browser.OpenAsync(new Uri(idp.Address, confirm)), email);
        Assert.Equal("/account/authenticator", page.Url.AbsolutePath);
        return page;
    }

    /// <summary>The code the browser was sent back with, or fails showing where it ended instead.</summary>
    public static string CodeFrom(Page callback)
    {
        var (code, error, description) = CodeFlow.ReadCallback(callback);
        Assert.True(code is not null, $"{error}: {description} at {callback.Url}\n{callback.Html}");
        return code;
    }

    public static async Task<Microsoft.IdentityModel.JsonWebTokens.JsonWebToken> IdTokenAsync(CodeFlow flow, Page callback)
    {
        var (status, body) = await flow.RedeemAsync(CodeFrom(callback));
        Assert.Equal(200, status);
        return Tokens.Read(body.GetProperty("id_token").GetString()!);
    }

    /// <summary>Changes acme's external-user policy in the database (the policy API has tests of its own).</summary>
    public static async Task SetAcmePolicyAsync(this IdpHost idp, Action<StoredExternalPolicy> change)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var acme = await db.Organisations.SingleAsync(o => o.Id == "acme");
        change(acme.ExternalPolicy);
        await db.SaveChangesAsync();
    }
}
