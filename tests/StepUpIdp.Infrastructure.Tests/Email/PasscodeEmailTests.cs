using StepUpIdp.Infrastructure.Email;

namespace StepUpIdp.Infrastructure.Tests.Email;

public sealed class PasscodeEmailTests
{
    [Fact]
    public void Subject_names_the_org_but_not_the_code()
    {
        var email = PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), "bob@partner.test");

        Assert.Equal("Your sign-in code for Acme", email.Subject);
        Assert.DoesNotContain("493817", email.Subject);
        Assert.Equal("bob@partner.test", email.To);
    }

    [Fact]
    public void Both_bodies_give_org_code_validity_and_what_to_do_if_unexpected()
    {
        var email = PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), "bob@partner.test");

        foreach (var body in new[] { email.TextBody, email.HtmlBody })
        {
            Assert.Contains("Acme", body);
            Assert.Contains("493817", body);
            Assert.Contains("10 minutes", body);
            Assert.Contains("Didn't ask for this? You can ignore this email", body.Replace("&#39;", "'"));
            Assert.Contains("tell an administrator of Acme", body);
        }
    }

    [Theory]
    [InlineData(600, "10 minutes")]
    [InlineData(60, "1 minute")]
    [InlineData(5400, "1 hour and 30 minutes")]
    [InlineData(90061, "1 day, 1 hour, 1 minute and 1 second")]
    public void Validity_is_written_in_words(int seconds, string words)
    {
        var email = PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromSeconds(seconds), "bob@partner.test");

        Assert.Contains($"valid for {words} ", email.TextBody);
    }

    [Fact]
    public void Org_name_is_html_encoded_and_cannot_break_the_subject()
    {
        var email = PasscodeEmail.Compose("<script>alert(1)</script> & Co\r\nBcc: x@evil.test", "493817", TimeSpan.FromMinutes(10), "bob@partner.test");

        Assert.DoesNotContain("<script>", email.HtmlBody);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co", email.HtmlBody);
        Assert.DoesNotContain('\r', email.Subject);
        Assert.DoesNotContain('\n', email.Subject);
    }
}
