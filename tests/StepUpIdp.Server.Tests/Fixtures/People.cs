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
        Assert.Equal("/account/verify", verifyPage.Url.AbsolutePath);
        var before = mail.Messages.Count;
        var codePage = await browser.SubmitAsync(verifyPage, new Dictionary<string, string>(), "#send-form");
        var code = await ReadCodeAsync(mail, email, before);
        return await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#verify-form");
    }

    public static async Task<string> ReadCodeAsync(SmtpSink mail, string email, int receivedBefore)
    {
        var message = await mail.WaitForMessageAsync(
            m => mail.Messages.ToList().IndexOf(m) >= receivedBefore && m.To.Mailboxes.Any(b => b.Address == email),
            TimeSpan.FromSeconds(10));
        return MailPatterns.Code().Match(message.TextBody ?? string.Empty).Value;
    }
}
