using System.Net;
using AngleSharp.Html.Dom;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.PeopleAdmin;

/// <summary>
/// The people, person and group admin pages, through the same services as the API. One host for the class; each test
/// has an org of its own set up as the demo's acme, with its own portal app.
/// </summary>
public sealed class PeoplePagesTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private readonly IdpHost _idp = shared.Host;
    private readonly System.Net.IPAddress _from = LoopbackAddresses.Next();
    private TestOrg _org = null!;
    private string _portal = null!;
    private Browser _alice = null!;

    public async Task InitializeAsync()
    {
        _org = await _idp.AddOrgLikeAcmeAsync();
        _portal = $"{_org.Id}-portal";
        await _idp.RegisterPublicAppAsync(_portal, _org.Id, new Uri("http://127.0.0.1:9/cb"), AppEnforcement.Enforced, "eng", "sales");
        _alice = await StepUp.AdminAsync(_idp, _org.Admin, _org.Id, _from);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        return Task.CompletedTask;
    }

    private Uri Url(string path) => new(_idp.Address, path);

    [Fact]
    public async Task The_people_page_filters_and_invites_and_an_eleventh_address_is_shown_at_its_field()
    {
        var carol = $"carol@other-{_org.Id}.test";
        await _idp.AddAccountAsync(carol, _org.Id);
        var external = await _alice.OpenAsync(Url($"admin/{_org.Id}/users?type=external"));
        Assert.Equal([carol, _org.External], external.Document.QuerySelectorAll("#users tbody a").Select(a => a.TextContent));

        var page = await _alice.OpenAsync(Url($"admin/{_org.Id}/users"));
        var tooMany = await _alice.SubmitAsync(page, new Dictionary<string, string>
        {
            ["Emails"] = string.Join("\n", Enumerable.Range(1, 11).Select(i => $"p{i}@acme.test")),
        }, "#invite");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.Status);
        Assert.Contains("at most 10", tooMany.Text("#emails-error"));

        var fay = $"fay@{_org.Id}.test";
        var invited = await _alice.SubmitAsync(page, new Dictionary<string, string> { ["Emails"] = fay, [$"role-{_portal}"] = "user" }, "#invite");
        Assert.Contains($"{fay} (set-password link emailed)", invited.Text("#outcome"));
        Assert.Contains(fay, invited.Document.QuerySelectorAll("#users tbody a").Select(a => a.TextContent));
    }

    [Fact]
    public async Task A_persons_page_shows_roles_groups_and_sessions_and_deactivates_the_account()
    {
        await _idp.GrantAsync(_portal, _org.Member, AppRole.Admin);
        using (var dave = new Browser(_from))
        {
            await dave.SignInAsync(await dave.OpenAsync(Url("account/signin")), _org.Member);
        }

        var groups = await _alice.OpenAsync(Url($"admin/{_org.Id}/groups"));
        var created = await _alice.SubmitAsync(groups, new Dictionary<string, string> { ["Name"] = "Readers", [$"role-{_portal}"] = "guest", [$"spaces-{_portal}"] = "eng, sales", [$"readonly-{_portal}"] = "sales" }, "#create-group");
        Assert.Equal("The group Readers was created.", created.Text("#outcome"));
        var bad = await _alice.SubmitAsync(created, new Dictionary<string, string> { ["Name"] = "Readers" }, "#create-group");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.NotNull(bad.Text("#name-error"));

        var list = await _alice.OpenAsync(Url($"admin/{_org.Id}/users?q=member"));
        var link = list.Document.QuerySelector("#users tbody a")!.GetAttribute("href")!;
        var person = await _alice.OpenAsync(Url(link.TrimStart('/')));
        Assert.Equal("admin", person.Document.QuerySelector($"#roles tr[data-app='{_portal}'] td:nth-child(2)")!.TextContent);
        Assert.Single(person.Document.QuerySelectorAll("#sessions tbody tr"));

        var deactivated = await _alice.SubmitAsync(person, new Dictionary<string, string>(), "#activation");
        Assert.Contains("deactivated", deactivated.Text("#outcome"));
        Assert.Contains("deactivated", deactivated.Text("#summary"));
        Assert.Empty(deactivated.Document.QuerySelectorAll("#sessions tbody tr"));
    }

    [Fact]
    public async Task An_admin_is_shown_why_they_cannot_lower_leave_or_delete_the_group_that_makes_them_admin()
    {
        var groups = await _alice.OpenAsync(Url($"admin/{_org.Id}/groups"));
        var created = await _alice.SubmitAsync(groups, new Dictionary<string, string> { ["Name"] = "Admins", [$"role-{_portal}"] = "admin" }, "#create-group");
        var section = $"section.group[data-id='{created.Document.QuerySelector("section.group")!.GetAttribute("data-id")}']";
        var added = await _alice.SubmitAsync(created, new Dictionary<string, string> { ["Emails"] = _org.Admin }, $"{section} form.add-members");
        Assert.Equal($"Added {_org.Admin}.", added.Text("#outcome"));

        var lowered = await _alice.SubmitAsync(added, new Dictionary<string, string> { [$"role-{_portal}"] = "user" }, $"{section} form.change-group");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, lowered.Status);
        Assert.Equal($"You cannot change the roles of this group to take away your own role on {_portal}; ask another administrator.",
            lowered.Text($"{section} form.change-group .error"));
        var left = await _alice.SubmitAsync(lowered, new Dictionary<string, string>(), $"{section} form.remove-member");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, left.Status);
        Assert.Equal($"You cannot leave a group that gives you your own role on {_portal}; ask another administrator.", left.Text("#remove-member-error"));
        var deleted = await _alice.SubmitAsync(left, new Dictionary<string, string>(), $"{section} form.delete-group");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, deleted.Status);
        Assert.Equal($"You cannot delete a group that gives you your own role on {_portal}; ask another administrator.", deleted.Text("#delete-error"));

        var person = await _alice.OpenAsync(Url(deleted.Document.QuerySelector($"{section} ul.members a")!.GetAttribute("href")!.TrimStart('/')));
        ((IHtmlInputElement)person.Document.QuerySelector("#assignments input[name=Groups]")!).IsChecked = false;
        var dropped = await _alice.SubmitAsync(person, new Dictionary<string, string>(), "#assignments");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, dropped.Status);
        Assert.Equal($"You cannot leave a group that gives you your own role on {_portal}; ask another administrator.", dropped.Text("#groups-error"));
        Assert.Equal("admin", dropped.Document.QuerySelector($"#roles tr[data-app='{_portal}'] td:nth-child(2)")!.TextContent);
    }

    [Fact]
    public async Task Deactivating_an_account_the_org_does_not_manage_is_not_offered()
    {
        var list = await _alice.OpenAsync(Url($"admin/{_org.Id}/users?q=external"));
        var person = await _alice.OpenAsync(Url(list.Document.QuerySelector("#users tbody a")!.GetAttribute("href")!.TrimStart('/')));
        Assert.Null(person.Document.QuerySelector("#activation"));
        Assert.Contains("not managed", person.Text("#summary"));
    }
}
