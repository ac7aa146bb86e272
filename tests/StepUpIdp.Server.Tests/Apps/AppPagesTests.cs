using System.Net;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Apps;

/// <summary>The apps admin page, driven as a browser would.</summary>
public sealed class AppPagesTests
{
    [Fact]
    public async Task An_admin_registers_a_confidential_app_gets_its_secret_once_and_bad_uris_are_named()
    {
        await using var idp = new IdpHost();
        using var browser = new Browser();
        var page = await browser.CompleteAsync(idp, await browser.OpenAsync(new Uri(idp.Address, "admin/acme/apps")), "alice@acme.test");
        Assert.Equal("/admin/acme/apps", page.Url.AbsolutePath);
        PageAssert.FieldsAreLabelled(page);

        var refused = await browser.SubmitAsync(page, new Dictionary<string, string>
        {
            ["Name"] = "Broken", ["Type"] = "public", ["RedirectUris"] = "https://broken.example/callback#x", ["AllowedOrigins"] = "https://broken.example/app",
        }, "#register-app");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.NotNull(refused.Text("#redirectUris-error"));
        Assert.NotNull(refused.Text("#allowedOrigins-error"));

        var registered = await browser.SubmitAsync(refused, new Dictionary<string, string>
        {
            ["Name"] = "Reports", ["ClientId"] = "reports", ["Type"] = "confidential", ["RedirectUris"] = "", ["AllowedOrigins"] = "",
        }, "#register-app");
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        var secret = registered.Document.QuerySelector("#secret")!.GetAttribute("value")!;
        Assert.NotNull(registered.Document.QuerySelector("tr[data-client-id='reports']"));

        using var http = new HttpClient();
        var token = await http.PostAsync(new Uri(idp.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "reports", ["client_secret"] = secret,
        }));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        var shownAgain = await browser.OpenAsync(new Uri(idp.Address, "admin/acme/apps"));
        Assert.DoesNotContain(secret, shownAgain.Html);
        var deleted = await browser.SubmitAsync(shownAgain, new Dictionary<string, string>(), "tr[data-client-id='reports'] form.delete-app");
        Assert.Null(deleted.Document.QuerySelector("tr[data-client-id='reports']"));
    }
}
