using StepUpIdp.Infrastructure.Email;

namespace StepUpIdp.Infrastructure.Tests.Email;

public sealed class GuestInvitationEmailTests
{
    private static readonly Uri SignIn = new("https://idp.acme.test/guest/sign-in?org=acme&app=demo-spa");

    [Fact]
    public void Invitation_names_org_app_spaces_expiry_and_link()
    {
        var email = GuestInvitationEmail.Compose(
            "Acme", "Demo SPA", SignIn, ["eng", "sales"], new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero), "carol@partner.test");

        Assert.Equal("Acme invited you to Demo SPA", email.Subject);
        Assert.Equal("carol@partner.test", email.To);
        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("Acme", body);
            Assert.Contains("Demo SPA", body);
            Assert.Contains("eng, sales", body);
            Assert.Contains("31 January 2027 at 00:00 UTC", body);
        }

        Assert.Contains(SignIn.AbsoluteUri, email.TextBody);
        Assert.Contains("href=\"https://idp.acme.test/guest/sign-in?org=acme&amp;app=demo-spa\"", email.HtmlBody);
    }

    [Fact]
    public void Invitation_without_expiry_or_spaces_leaves_those_lines_out()
    {
        var email = GuestInvitationEmail.Compose("Acme", "Demo SPA", SignIn, [], null, "carol@partner.test");

        Assert.DoesNotContain("access ends", email.TextBody);
        Assert.DoesNotContain("You can see", email.TextBody);
        Assert.DoesNotContain("access ends", email.HtmlBody);
    }

    [Fact]
    public void Names_and_spaces_are_html_encoded()
    {
        var email = GuestInvitationEmail.Compose(
            "A<b>cme", "\"App\" & co", SignIn, ["<img src=x onerror=alert(1)>"], null, "carol@partner.test");

        Assert.DoesNotContain("<b>", email.HtmlBody);
        Assert.DoesNotContain("<img", email.HtmlBody);
        Assert.Contains("A&lt;b&gt;cme", email.HtmlBody);
        Assert.Contains("&quot;App&quot; &amp; co", email.HtmlBody);
    }

    [Fact]
    public void A_link_that_is_not_http_is_refused()
    {
        Assert.Throws<ArgumentException>(() => GuestInvitationEmail.Compose(
            "Acme", "Demo SPA", new Uri("javascript:alert(1)"), ["eng"], null, "carol@partner.test"));
    }
}
