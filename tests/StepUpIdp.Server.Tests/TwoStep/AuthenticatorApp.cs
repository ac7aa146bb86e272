using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Data;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.TwoStep;

/// <summary>
/// A phone's authenticator app: it reads the key from the enrolment page (as it would from the QR code) and shows
/// RFC 6238 codes (SHA-1, 6 digits, 30 s) for whatever time the test's clock says.
/// </summary>
public sealed class AuthenticatorApp(byte[] secret, FakeTimeProvider clock)
{
    public static AuthenticatorApp ReadFrom(Page enrolPage, FakeTimeProvider clock)
    {
        Assert.Equal("/account/authenticator", enrolPage.Url.AbsolutePath);
        Assert.True(enrolPage.Document.QuerySelector("#qr-code")?.GetAttribute("src")?.StartsWith("data:image/png;base64,", StringComparison.Ordinal) == true,
            "No QR code on the enrolment page:\n" + enrolPage.Html);
        var key = enrolPage.Text("#manual-key") ?? throw new InvalidOperationException("No manual key on\n" + enrolPage.Html);
        return new AuthenticatorApp(Base32Encoding.ToBytes(key), clock);
    }

    /// <summary>The code the app shows now, or <paramref name="steps"/> 30-second steps away from now.</summary>
    public string Code(int steps = 0) => new Totp(secret).ComputeTotp(clock.GetUtcNow().UtcDateTime.AddSeconds(30 * steps));

    /// <summary>Enters the current code on the enrolment page; returns the page showing the recovery codes.</summary>
    public async Task<(Page Page, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(Browser browser, Page enrolPage)
    {
        var page = await browser.SubmitAsync(enrolPage, new Dictionary<string, string> { ["Code"] = Code() }, "#enrol-form");
        var codes = page.Document.QuerySelectorAll("#recovery-codes li").Select(li => li.TextContent.Trim()).ToList();
        Assert.True(codes.Count == 10, "No recovery codes shown:\n" + page.Html);
        return (page, codes);
    }
}

/// <summary>What the two-step tests share: a host with a fake clock, an enforced app and a few steps.</summary>
public static class TwoStepSteps
{
    public static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");

    /// <summary>10 s into a 30-second step, so a code computed "now" is unambiguous.</summary>
    public static FakeTimeProvider NewClock()
    {
        var now = DateTimeOffset.UtcNow;
        return new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 30 * 30 + 10));
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
