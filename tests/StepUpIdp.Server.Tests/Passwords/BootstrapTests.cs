using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Bootstrap;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Passwords;

/// <summary>An empty IdP gets its first organisation and admin from the bootstrap command, and nothing else.</summary>
public sealed class BootstrapTests
{
    public const string StrongPassword = "tram-quilt-oyster-velvet";

    public static IdpHost EmptyIdp(Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null) =>
        new(clock: clock, settings: new Dictionary<string, string?> { ["Idp:LoadDemoData"] = "false" });

    public static async Task<BootstrapResult> BootstrapAsync(IdpHost idp, string org = "acme", string email = "root@acme.example")
    {
        await using var scope = idp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrganisationBootstrap>()
            .RunAsync(org, "Acme", email, "Ada Admin", idp.Address, CancellationToken.None);
    }

    [Fact]
    public async Task The_first_admin_follows_the_set_up_link_chooses_a_password_and_administers_the_org()
    {
        await using var idp = EmptyIdp();
        var created = Assert.IsType<BootstrapResult.Created>(await BootstrapAsync(idp));
        Assert.StartsWith(new Uri(idp.Address, "account/set-password?token=").AbsoluteUri, created.SetUpLink.AbsoluteUri);

        using var browser = new Browser();
        var form = await browser.OpenAsync(created.SetUpLink);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Equal("root@acme.example", form.Document.QuerySelector("#username")?.GetAttribute("value"));
        PageAssert.FieldsAreLabelled(form);
        Assert.Equal(["username", "new-password"], form.Document.QuerySelectorAll("input:not([type=hidden])").Select(i => i.GetAttribute("autocomplete")));
        var done = await browser.SubmitAsync(form, new Dictionary<string, string> { ["NewPassword"] = StrongPassword });
        Assert.NotNull(done.Text("#password-set"));

        var signIn = await browser.OpenAsync(new Uri(idp.Address, "account/signin?ReturnUrl=%2Fadmin%2Facme%2Faudit"));
        var audit = await browser.CompleteAsync(idp, signIn, "root@acme.example", StrongPassword);
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        Assert.Equal("/admin/acme/audit", audit.Url.AbsolutePath);
        Assert.Contains("org.bootstrapped", audit.Html);
        Assert.Contains("account.password_set", audit.Html);
    }

    [Fact]
    public async Task Bootstrap_makes_the_first_organisation_only_and_renews_the_link_until_a_password_is_chosen()
    {
        await using var idp = EmptyIdp();
        var first = Assert.IsType<BootstrapResult.Created>(await BootstrapAsync(idp));
        var again = Assert.IsType<BootstrapResult.Created>(await BootstrapAsync(idp));
        Assert.True(again.Renewed);
        Assert.NotEqual(first.SetUpLink, again.SetUpLink);

        Assert.IsType<BootstrapResult.Refused>(await BootstrapAsync(idp, org: "other"));
        Assert.IsType<BootstrapResult.Refused>(await BootstrapAsync(idp, email: "intruder@evil.example"));

        using var browser = new Browser();
        var form = await browser.OpenAsync(again.SetUpLink);
        await browser.SubmitAsync(form, new Dictionary<string, string> { ["NewPassword"] = StrongPassword });
        Assert.IsType<BootstrapResult.Refused>(await BootstrapAsync(idp));

        // The older link was spent when the password was chosen.
        var old = await browser.OpenAsync(first.SetUpLink);
        Assert.Equal(HttpStatusCode.Gone, old.Status);
    }

    [Theory]
    [InlineData("Acme", "root@acme.example")]
    [InlineData("acme", "not-an-address")]
    public async Task Bad_input_is_refused_and_nothing_is_written(string org, string email)
    {
        await using var idp = EmptyIdp();
        Assert.IsType<BootstrapResult.Refused>(await BootstrapAsync(idp, org, email));
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        Assert.False(await db.Organisations.AnyAsync());
        Assert.False(await db.Accounts.AnyAsync());
    }

    [Fact]
    public async Task Without_demo_data_no_account_can_sign_in()
    {
        await using var idp = EmptyIdp();
        using var browser = new Browser();
        var page = await browser.SignInAsync(await browser.OpenAsync(new Uri(idp.Address, "account/signin")), "alice@acme.test");
        Assert.Equal("/account/signin", page.Url.AbsolutePath);
        Assert.NotNull(page.Text("#signin-error"));
    }
}
