using System.Net;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>One address trying passwords on many accounts is slowed down, whatever the accounts' own lock-out says.</summary>
public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task Submissions_over_the_per_address_limit_get_a_readable_429()
    {
        await using var idp = new IdpHost(settings: new Dictionary<string, string?> { ["Idp:SignInPostsPerMinutePerIp"] = "3" });
        using var browser = new Browser();
        var page = await browser.OpenAsync(new Uri(idp.Address, "account/signin"));
        foreach (var email in new[] { "a@acme.test", "b@acme.test", "c@acme.test" })
        {
            page = await browser.SignInAsync(page, email, "guess-1");
            Assert.Equal(HttpStatusCode.OK, page.Status);
        }

        var limited = await browser.SignInAsync(page, "d@acme.test", "guess-1");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.NotNull(limited.Text("#rate-limited"));
        var stillServed = await browser.OpenAsync(new Uri(idp.Address, "account/signin"));
        Assert.Equal(HttpStatusCode.OK, stillServed.Status);
    }
}
