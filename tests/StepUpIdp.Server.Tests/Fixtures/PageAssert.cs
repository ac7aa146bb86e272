using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>Checks of what every page owes a person.</summary>
public static class PageAssert
{
    /// <summary>
    /// Every visible input, select and textarea has a &lt;label for&gt; naming it; no two elements share an id; and an error
    /// shown in a form with fields is tied to a field (<c>aria-describedby</c>), so a screen reader reads it with the field.
    /// </summary>
    /// <returns>How many fields the page has (0 for a page without a form field), so a check over many pages can tell it checked some.</returns>
    public static int FieldsAreLabelled(Page page)
    {
        var fields = page.Document.QuerySelectorAll("input, select, textarea")
            .Where(f => f is not IHtmlInputElement { Type: "hidden" })
            .ToList();
        foreach (var field in fields)
        {
            var name = $"<{field.LocalName} name='{field.GetAttribute("name")}'>";
            Assert.False(string.IsNullOrEmpty(field.Id), $"{name} without id on {page.Url}");
            Assert.True(page.Document.QuerySelector($"label[for='{field.Id}']") is not null, $"{name} (#{field.Id}) has no <label for> on {page.Url}");
        }

        var ids = page.Document.QuerySelectorAll("[id]").Select(e => e.Id!).ToList();
        Assert.True(ids.Count == ids.Distinct(StringComparer.Ordinal).Count(), $"an id is used twice on {page.Url}: {string.Join(", ", ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key))}");
        foreach (var error in page.Document.QuerySelectorAll("form .error[role=alert][id]"))
        {
            var formFields = error.Closest("form")!.QuerySelectorAll("input, select, textarea").Where(f => f is not IHtmlInputElement { Type: "hidden" }).ToList();
            Assert.True(formFields.Count == 0 || formFields.Any(f => (f.GetAttribute("aria-describedby") ?? "").Split(' ').Contains(error.Id)),
                $"the error #{error.Id} on {page.Url} is not tied to a field by aria-describedby");
        }

        return fields.Count;
    }

    /// <summary>
    /// A redirect of any 3xx code goes only to the IdP itself or to a redirect URI an app registered (exactly, as OAuth
    /// demands), and there with an OAuth error when <paramref name="requireError"/>: never to a place a request named.
    /// </summary>
    public static void RedirectsOnlyToTheIdpOrAnApp(HttpResponseMessage response, Uri idp, IReadOnlySet<string> registeredRedirects, bool requireError)
    {
        if ((int)response.StatusCode is < 300 or >= 400)
        {
            return;
        }

        Assert.True(response.Headers.Location is not null, $"{(int)response.StatusCode} without a Location");
        var target = new Uri(idp, response.Headers.Location!);
        if (target.GetLeftPart(UriPartial.Authority) == idp.GetLeftPart(UriPartial.Authority))
        {
            return;
        }

        Assert.True(registeredRedirects.Contains(target.GetLeftPart(UriPartial.Path)),
            $"{(int)response.StatusCode} to {target}: neither the IdP ({idp}) nor a registered redirect URI");
        if (requireError)
        {
            Assert.Contains("error=", target.Query + target.Fragment, StringComparison.Ordinal);
        }
    }

    /// <summary>Every redirect and post-logout URI the host's apps registered: the only places off the IdP a redirect may go.</summary>
    public static async Task<IReadOnlySet<string>> RegisteredRedirectsAsync(IdpHost idp)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
        var uris = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var application in applications.ListAsync())
        {
            uris.UnionWith(await applications.GetRedirectUrisAsync(application));
            uris.UnionWith(await applications.GetPostLogoutRedirectUrisAsync(application));
        }

        return uris;
    }
}
