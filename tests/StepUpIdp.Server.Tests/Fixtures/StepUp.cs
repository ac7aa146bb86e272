using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// Going through the IdP's sign-in and verification pages until the page that asked is reached: what a person does
/// when an admin page, an API-token form or an app's <c>acr_values</c> asks for a recent, strong sign-in.
/// </summary>
public static class StepUp
{
    /// <summary>
    /// From <paramref name="page"/>: signs in when asked, enters an emailed code when asked (read from the host's SMTP
    /// server or its development outbox), and returns the first page that asks for neither.
    /// </summary>
    public static Task<Page> CompleteAsync(this Browser browser, IdpHost idp, Page page, string email, string password = People.Password) =>
        browser.CompleteAsync(idp.Services, idp.Mail, page, email, password);

    /// <summary>The same, for a host built from an <see cref="IdpHost"/> (its services), sending to <paramref name="mail"/> or its outbox.</summary>
    public static async Task<Page> CompleteAsync(this Browser browser, IServiceProvider services, SmtpSink? mail, Page page, string email,
        string password = People.Password)
    {
        for (var step = 0; step < 5; step++)
        {
            switch (page.Url.AbsolutePath)
            {
                case "/account/signin":
                    page = await browser.SignInAsync(page, email, password);
                    break;
                case "/account/verify":
                    page = await browser.VerifyWithEmailedCodeAsync(page, services, mail, email);
                    break;
                default:
                    return page;
            }
        }

        throw new InvalidOperationException($"The step-up did not finish; stuck at {page.Url}.");
    }

    /// <summary>
    /// A browser signed in as an admin of <paramref name="organisationId"/> that has passed the admin pages' step-up
    /// (the password, then an emailed code), so the org's pages open at once for the next 15 minutes.
    /// </summary>
    public static async Task<Browser> AdminAsync(IdpHost idp, string email, string organisationId = "acme", System.Net.IPAddress? from = null)
    {
        var browser = new Browser(from);
        var page = await browser.CompleteAsync(idp, await browser.OpenAsync(new Uri(idp.Address, $"admin/{organisationId}/audit")), email);
        Assert.Equal($"/admin/{organisationId}/audit", page.Url.AbsolutePath);
        return browser;
    }

    /// <summary>On the emailed-code page: asks for a code, reads it wherever the host's mail goes, and enters it.</summary>
    public static async Task<Page> VerifyWithEmailedCodeAsync(this Browser browser, Page verifyPage, IServiceProvider services, SmtpSink? mail, string email)
    {
        if (mail is not null)
        {
            return await browser.VerifyWithEmailedCodeAsync(verifyPage, mail, email);
        }

        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        var outbox = services.GetRequiredService<OutboxReader>();
        var before = (await outbox.ReadNewestAsync(500)).Select(m => m.FileName).ToHashSet(StringComparer.Ordinal);
        var codePage = await browser.SubmitAsync(verifyPage, new Dictionary<string, string>(), "#send-form");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var code = (await outbox.ReadNewestAsync(500))
                .Where(m => m.To == email && !before.Contains(m.FileName))
                .Select(m => MailPatterns.Code().Match(m.TextBody).Value)
                .FirstOrDefault(c => c.Length > 0);
            if (code is not null)
            {
                return await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#verify-form");
            }

            Assert.True(DateTime.UtcNow < deadline, $"No passcode email reached {email} in the outbox; the page said:\n{codePage.Html}");
            await Task.Delay(50);
        }
    }
}
