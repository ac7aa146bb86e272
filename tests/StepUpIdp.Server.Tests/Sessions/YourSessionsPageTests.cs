using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Sessions;

/// <summary>
/// <c>/account/sessions</c>: a person sees every browser signed in to their account, which organisations each is
/// verified for, and ends one or all the others (docs/sessions.md).
/// </summary>
[Trait("Category", "Redis")]
public sealed class YourSessionsPageTests : IAsyncLifetime
{
    private static readonly Uri Callback = AcmeWikiHost.Callback;
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await AcmeWikiHost.StartAsync(["bob@partner.test"]);

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    [Fact]
    public async Task A_person_sees_their_browsers_and_ends_the_others()
    {
        using var laptop = new Browser { StopAt = Callback };
        var verifyPage = await laptop.SignInAsync(await laptop.OpenAsync(_wiki.NewFlow().AuthorizeUri()), "bob@partner.test");
        Assert.NotNull(CodeFlow.ReadCallback(await laptop.VerifyWithEmailedCodeAsync(verifyPage, _wiki.Mail, "bob@partner.test")).Code);

        using var phone = new Browser { StopAt = Callback };
        await phone.SignInAsync(await phone.OpenAsync(_wiki.NewFlow().AuthorizeUri()), "bob@partner.test");

        var page = await laptop.OpenAsync(new Uri(_wiki.Idp.Address, "account/sessions"));
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
        Assert.Equal("/account/signin", (await phone.OpenAsync(_wiki.NewFlow().AuthorizeUri())).Url.AbsolutePath);
        Assert.NotNull(CodeFlow.ReadCallback(await laptop.OpenAsync(_wiki.NewFlow().AuthorizeUri())).Code);
    }

    [Fact]
    public async Task The_page_needs_a_signed_in_person()
    {
        using var anonymous = new Browser();
        var page = await anonymous.OpenAsync(new Uri(_wiki.Idp.Address, "account/sessions"));
        Assert.Equal("/account/signin", page.Url.AbsolutePath);
    }
}
