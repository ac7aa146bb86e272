using MimeKit;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>What a person does on the IdP's pages, step by step.</summary>
public static class People
{
    public const string Password = "demo-Passw0rd";

    public static Task<Page> SignInAsync(this Browser browser, Page signInPage, string email, string password = Password)
    {
        Assert.Equal("/account/signin", signInPage.Url.AbsolutePath);
        return browser.SubmitAsync(signInPage, new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
    }

    /// <summary>On the verification page: asks for a code, reads it from the email that arrived over SMTP, enters it.</summary>
    public static async Task<Page> VerifyWithEmailedCodeAsync(this Browser browser, Page verifyPage, SmtpSink mail, string email)
    {
        var (codePage, code) = await browser.AskForEmailedCodeAsync(verifyPage, mail, email);
        return await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#verify-form");
    }

    /// <summary>On the verification page: asks for a code and reads it from the email. The page to enter it on, and the code.</summary>
    public static async Task<(Page CodePage, string Code)> AskForEmailedCodeAsync(this Browser browser, Page verifyPage, SmtpSink mail, string email)
    {
        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        var before = mail.Messages.Count;
        var codePage = await browser.SubmitAsync(verifyPage, new Dictionary<string, string>(), "#send-form");
        return (codePage, await ReadCodeAsync(mail, email, before));
    }

    /// <summary>
    /// A guest's sign-in to <paramref name="app"/>: its sign-in page, the guest link, the email address, and the code
    /// that arrived over SMTP. Answers the page the code led to. Given <paramref name="organisationName"/>, the guest page
    /// must say which organisation asks.
    /// </summary>
    public static async Task<Page> SignInAsGuestAsync(this Browser browser, OidcRelyingParty app, SmtpSink mail, string email,
        string? organisationName = null)
    {
        var signIn = await browser.OpenAsync(app.LoginUri());
        Assert.Equal("/account/signin", signIn.Url.AbsolutePath);
        var link = signIn.Document.QuerySelector("#guest-sign-in a") as AngleSharp.Html.Dom.IHtmlAnchorElement
            ?? throw new InvalidOperationException("The sign-in page has no guest link.");
        var guestPage = await browser.OpenAsync(new Uri(signIn.Url, link.GetAttribute("href")));
        if (organisationName is not null)
        {
            Assert.Contains(organisationName, guestPage.Text("#why"));
        }

        var before = mail.Messages.Count;
        var codePage = await browser.SubmitAsync(guestPage, new Dictionary<string, string> { ["Email"] = email }, "#email-form");
        var code = await ReadCodeAsync(mail, email, before);
        return await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#code-form");
    }

    public static async Task<string> ReadCodeAsync(SmtpSink mail, string email, int receivedBefore)
    {
        var message = await mail.WaitForMessageAsync(
            m => mail.Messages.ToList().IndexOf(m) >= receivedBefore && m.To.Mailboxes.Any(b => b.Address == email),
            TimeSpan.FromSeconds(10));
        return MailPatterns.Code().Match(message.TextBody ?? string.Empty).Value;
    }
}
