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
