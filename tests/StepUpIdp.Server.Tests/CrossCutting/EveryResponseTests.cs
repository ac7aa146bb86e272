using AngleSharp.Html.Parser;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// What every GET answer of the IdP owes, whatever route gave it: pages, APIs, protocol endpoints, static files and
/// errors, asked signed out, with acme's admin's session and with her admin API token (<see cref="RouteCrawl"/>).
/// </summary>
public sealed class EveryResponseTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    private readonly IdpHost _idp = shared.Host;

    private sealed class Crawl(SignedInAdmin alice, HttpClient signedOut, IReadOnlyList<Visit> visits) : IDisposable
    {
        public IReadOnlyList<Visit> Visits { get; } = visits;

        public void Dispose()
        {
            alice.Dispose();
            signedOut.Dispose();
        }
    }

    /// <summary>The crawl, made once for the class: alice's sign-in and a few hundred GETs.</summary>
    private Task<Crawl> CrawlAsync() => shared.OnceAsync("crawl", async () =>
    {
        var alice = await SignedInAdmin.SignInAsync(_idp, "alice@acme.test");
        var signedOut = Clients.NoRedirect();
        var visits = await RouteCrawl.GetAsync(_idp, new Dictionary<string, HttpClient>
        {
            ["signed out"] = signedOut,
            ["alice's session"] = alice.Cookie,
            ["alice's admin token"] = alice.Bearer,
        });
        return new Crawl(alice, signedOut, visits);
    });

    [Fact]
    public async Task Every_answer_forbids_framing_sniffing_and_referrers()
    {
        var visits = (await CrawlAsync()).Visits;

        var missing = visits.SelectMany(v => MissingHeaders(v.Response).Select(h => $"{v}: {h}")).ToList();

        Assert.True(missing.Count == 0, "Answers without a security header:\n" + string.Join('\n', missing));
        Assert.Contains(visits, v => v.Status == 200 && v.Page is not null);
        Assert.Contains(visits, v => v.Status == 200 && v.Response.Content.Headers.ContentType?.MediaType == "application/json");
        Assert.Contains(visits, v => v.Status is >= 300 and < 400);
        Assert.Contains(visits, v => v.Status is >= 400 and < 500 && v.Page is not null);
        Assert.Contains(visits, v => v.Url.EndsWith(".css", StringComparison.Ordinal) && v.Status == 200);
        Assert.Contains(visits, v => v.Url == "/.well-known/openid-configuration" && v.Status == 200);
    }

    [Fact]
    public async Task Every_redirect_stays_on_the_idp_or_goes_to_a_registered_redirect_uri()
    {
        var visits = (await CrawlAsync()).Visits;
        var registered = await PageAssert.RegisteredRedirectsAsync(_idp);

        var redirects = visits.Where(v => v.Status is >= 300 and < 400).ToList();
        var open = new List<string>();
        foreach (var visit in redirects)
        {
            try
            {
                PageAssert.RedirectsOnlyToTheIdpOrAnApp(visit.Response, _idp.Address, registered, requireError: false);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                open.Add($"{visit}: {e.Message}");
            }
        }

        Assert.True(open.Count == 0, "Redirects off the IdP:\n" + string.Join('\n', open));
        // Signed out, the admin pages send to sign-in; signed in, the authorize request goes back to demo-spa.
        Assert.Contains(redirects, v => v.Who == "signed out" && v.Url.StartsWith("/admin/acme", StringComparison.Ordinal));
        Assert.Contains(redirects, v => v.Who == "alice's session" && v.Response.Headers.Location!.ToString().StartsWith("http://127.0.0.1:8765/callback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_field_of_every_page_has_a_label()
    {
        var pages = (await CrawlAsync()).Visits.Where(v => v.Page is not null).ToList();

        var unlabelled = new List<string>();
        var withFields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var visit in pages)
        {
            try
            {
                if (PageAssert.FieldsAreLabelled(visit.Page!) > 0)
                {
                    withFields.Add(visit.Url);
                }
            }
            catch (Xunit.Sdk.XunitException e)
            {
                unlabelled.Add($"{visit}: {e.Message}");
            }
        }

        Assert.True(unlabelled.Count == 0, "Fields without a label:\n" + string.Join('\n', unlabelled));
        // Not vacuous: the sign-in, account and admin pages all have forms.
        Assert.True(withFields.Count >= 10, "Only these pages had fields: " + string.Join(", ", withFields));
        Assert.Contains("/admin/acme/apps", withFields);
        Assert.Contains("/account/signin", withFields);
    }

    [Theory]
    [InlineData("<select id='s' name='s'><option>a</option></select>")]
    [InlineData("<textarea id='t' name='t'></textarea>")]
    [InlineData("<input id='i' name='i'>")]
    [InlineData("<label for='x'>X</label><select name='s'></select>")]
    [InlineData("<label for='other'>X</label><textarea id='t' name='t'></textarea>")]
    public void The_label_check_refuses_an_unlabelled_input_select_or_textarea(string field)
    {
        var page = PageOf($"<form method='post'>{field}<input type='hidden' name='h'></form>");

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PageAssert.FieldsAreLabelled(page));
    }

    [Fact]
    public void The_label_check_passes_labelled_fields_and_counts_them()
    {
        var page = PageOf("<form><label for='s'>S</label><select id='s' name='s'></select><label for='t'>T</label><textarea id='t'></textarea>"
            + "<label for='i'>I</label><input id='i' name='i'><input type='hidden' name='h'></form>");

        Assert.Equal(3, PageAssert.FieldsAreLabelled(page));
        Assert.Equal(0, PageAssert.FieldsAreLabelled(PageOf("<p>No form here.</p>")));
    }

    private static Page PageOf(string body)
    {
        var html = $"<!doctype html><html><body>{body}</body></html>";
        return new Page(new Uri("http://127.0.0.1/test"), System.Net.HttpStatusCode.OK, html, "text/html", new HtmlParser().ParseDocument(html));
    }

    private static IEnumerable<string> MissingHeaders(HttpResponseMessage response)
    {
        string? One(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

        if (One("X-Frame-Options") != "DENY")
        {
            yield return $"X-Frame-Options: {One("X-Frame-Options")}";
        }

        if (One("Content-Security-Policy")?.Contains("frame-ancestors 'none'", StringComparison.Ordinal) != true)
        {
            yield return $"Content-Security-Policy: {One("Content-Security-Policy")}";
        }

        // No page runs script; only the authorization endpoint's form_post answer does.
        if (response.RequestMessage?.RequestUri?.AbsolutePath != "/connect/authorize"
            && One("Content-Security-Policy")?.Contains("script-src 'none'", StringComparison.Ordinal) != true)
        {
            yield return $"Content-Security-Policy without script-src 'none': {One("Content-Security-Policy")}";
        }

        if (One("Referrer-Policy") != "no-referrer")
        {
            yield return $"Referrer-Policy: {One("Referrer-Policy")}";
        }

        if (One("X-Content-Type-Options") != "nosniff")
        {
            yield return $"X-Content-Type-Options: {One("X-Content-Type-Options")}";
        }
    }
}
