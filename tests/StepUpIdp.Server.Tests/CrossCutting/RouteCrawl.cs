using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>One GET of the crawl: who asked, what, and the answer as sent (redirects not followed).</summary>
public sealed record Visit(string Who, string Url, HttpResponseMessage Response, Page? Page)
{
    public int Status => (int)Response.StatusCode;

    public override string ToString() => $"{Who} GET {Url} -> {Status}";
}

/// <summary>
/// Every GET the IdP answers, asked by each of a few callers: every route of the route table that answers GET (its
/// parameters filled from the demo data, and again with the queries of <see cref="Queries"/>), OpenIddict's own
/// endpoints, the static files, and an unknown path (the error page).
/// </summary>
public static class RouteCrawl
{
    public const string AuthorizeQuery = "?client_id=demo-spa&response_type=code&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"
        + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s";

    /// <summary>Queries that take a route to the state a person meets it in (a sign-in for an app, say), beside the bare GET.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Queries = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["/connect/authorize"] = [AuthorizeQuery],
        ["/account/signin"] = ["?returnUrl=" + Uri.EscapeDataString("/connect/authorize" + AuthorizeQuery)],
        ["/account/guest"] = ["?app=demo-spa&returnUrl=" + Uri.EscapeDataString("/connect/authorize" + AuthorizeQuery)],
        ["/account/verify"] = ["?returnUrl=%2Fadmin%2Facme"],
        ["/connect/endsession"] = ["?client_id=demo-spa&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2F&state=s"],
        ["/account/end-session"] = ["?client_id=demo-spa&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2F&state=s"],
    };

    private static readonly HtmlParser Parser = new();

    /// <summary>The addresses to GET, paths relative to the IdP.</summary>
    public static async Task<IReadOnlyList<string>> AddressesAsync(IdpHost idp)
    {
        var paths = new List<string>();
        foreach (var call in (await RouteInventory.CallsAsync(idp)).Where(c => c.Method == "GET"))
        {
            paths.Add(call.Path);
            paths.AddRange(Queries.GetValueOrDefault(call.Pattern, []).Select(q => call.Path + q));
        }

        paths.AddRange(RouteInventory.MiddlewarePaths(idp));
        paths.AddRange(StaticFiles(idp.Service<IWebHostEnvironment>().WebRootFileProvider, string.Empty));
        paths.Add("/no/such/page");
        return paths.Distinct(StringComparer.Ordinal).ToList();
    }

    public static async Task<IReadOnlyList<Visit>> GetAsync(IdpHost idp, IReadOnlyDictionary<string, HttpClient> callers)
    {
        var visits = new List<Visit>();
        foreach (var path in await AddressesAsync(idp))
        {
            foreach (var (who, http) in callers)
            {
                var url = new Uri(idp.Address, path.TrimStart('/'));
                var response = await http.GetAsync(url);
                await response.Content.LoadIntoBufferAsync();
                Page? page = null;
                if (response.Content.Headers.ContentType?.MediaType == "text/html")
                {
                    var html = await response.Content.ReadAsStringAsync();
                    page = new Page(url, response.StatusCode, html, "text/html", Parser.ParseDocument(html));
                }

                visits.Add(new Visit(who, path, response, page));
            }
        }

        return visits;
    }

    private static IEnumerable<string> StaticFiles(IFileProvider files, string folder)
    {
        foreach (var entry in files.GetDirectoryContents(folder))
        {
            var path = folder + "/" + entry.Name;
            foreach (var file in entry.IsDirectory ? StaticFiles(files, path) : [path])
            {
                yield return file;
            }
        }
    }
}
