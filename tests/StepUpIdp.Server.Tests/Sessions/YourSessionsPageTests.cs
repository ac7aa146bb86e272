using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>
/// <c>/account/sessions</c>: a person sees every browser signed in to their account, which organisations each is
/// verified for, and ends one or all the others (docs/sessions.md).
/// </summary>
[Trait("Category", "Redis")]
public sealed class YourSessionsPageTests : IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");
    private SmtpSink _mail = null!;
    private IdpHost _idp = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        await _idp.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
    }

    public async Task DisposeAsync()
    {
        await _idp.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task A_person_sees_their_browsers_and_ends_the_others()
    {
        using var laptop = new Browser { StopAt = Callback };
        var verifyPage = await laptop.SignInAsync(await laptop.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");
        Assert.NotNull(CodeFlow.ReadCallback(await laptop.VerifyWithEmailedCodeAsync(verifyPage, _mail, "bob@partner.test")).Code);

        using var phone = new Browser { StopAt = Callback };
        await phone.SignInAsync(await phone.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri()), "bob@partner.test");

        var page = await laptop.OpenAsync(new Uri(_idp.Address, "account/sessions"));
        var rows = page.Document.QuerySelectorAll("#sessions tbody tr").ToList();
        Assert.Equal(2, rows.Count);
        var current = Assert.Single(rows, r => r.ClassList.Contains("current"));
        Assert.Contains("Acme", current.QuerySelector(".verified-for")!.TextContent);
        var other = Assert.Single(rows, r => !r.ClassList.Contains("current"));
        Assert.Contains("not verified", other.QuerySelector(".verified-for")!.TextContent);

        var afterEnd = await laptop.SubmitAsync(page, new Dictionary<string, string>(), "#end-others");
        Assert.Equal("/account/sessions", afterEnd.Url.AbsolutePath);
        Assert.Single(afterEnd.Document.QuerySelectorAll("#sessions tbody tr"));

        // The phone is signed out; the laptop is not.
        Assert.Equal("/account/signin", (await phone.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri())).Url.AbsolutePath);
        Assert.NotNull(CodeFlow.ReadCallback(await laptop.OpenAsync(new CodeFlow(_idp.Address, "acme-wiki", Callback).AuthorizeUri())).Code);
    }

    [Fact]
    public async Task The_page_needs_a_signed_in_person()
    {
        using var anonymous = new Browser();
        var page = await anonymous.OpenAsync(new Uri(_idp.Address, "account/sessions"));
        Assert.Equal("/account/signin", page.Url.AbsolutePath);
    }
}
