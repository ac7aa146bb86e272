using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A person's browser, as far as these tests need one: a cookie jar, redirects followed one by one (so
/// a test can stop at any hop), and HTML forms filled in and submitted the way a user would.
/// </summary>
public sealed class Browser : IDisposable
{
    private readonly HttpClient _http;
    private static readonly HtmlParser Parser = new();

    /// <param name="from">
    /// The loopback address the browser connects from (see <see cref="LoopbackAddresses"/>), so the IdP counts its
    /// per-address limits (sign-in posts, passcode sends) for it alone; by default 127.0.0.1, as every other client.
    /// </param>
    public Browser(IPAddress? from = null)
    {
        Cookies = new CookieContainer();
        From = from ?? IPAddress.Loopback;
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true };
        if (from is not null)
        {
            handler.ConnectCallback = (context, cancellationToken) => LoopbackAddresses.ConnectAsync(from, context.DnsEndPoint, cancellationToken);
        }

        _http = new HttpClient(handler);
    }

    /// <summary>The address the IdP sees this browser connect from.</summary>
    public IPAddress From { get; }

    public CookieContainer Cookies { get; }

    /// <summary>Headers sent with every request (what a proxy in front of the IdP adds, say).</summary>
    public System.Net.Http.Headers.HttpRequestHeaders Headers => _http.DefaultRequestHeaders;

    /// <summary>Redirects to addresses starting with this are not followed: the page returned is the redirect itself.</summary>
    public Uri? StopAt { get; set; }

    /// <summary>The last page the browser landed on (after following redirects).</summary>
    public Page? Current { get; private set; }

    public Task<Page> OpenAsync(Uri url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>Fills the page's single form (or the one with <paramref name="formSelector"/>) and submits it.</summary>
    public Task<Page> SubmitAsync(Page page, IDictionary<string, string> fields, string formSelector = "form")
    {
        var form = page.Document.QuerySelector(formSelector) as IHtmlFormElement
            ?? throw new InvalidOperationException($"No form '{formSelector}' on {page.Url}:\n{page.Html}");

        var values = new List<KeyValuePair<string, string>>();
        foreach (var input in form.Elements.OfType<IHtmlInputElement>().Where(i => !string.IsNullOrEmpty(i.Name)))
        {
            if (input.Type is "submit" or "button" || (input.Type is "checkbox" or "radio" && !input.IsChecked))
            {
                continue;
            }

            values.Add(new(input.Name!, fields.TryGetValue(input.Name!, out var value) ? value : input.Value));
        }

        foreach (var (name, value) in fields.Where(f => values.All(v => v.Key != f.Key)))
        {
            values.Add(new(name, value));
        }

        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? page.Url : new Uri(page.Url, form.GetAttribute("action"));
        var method = string.Equals(form.Method, "get", StringComparison.OrdinalIgnoreCase) ? HttpMethod.Get : HttpMethod.Post;
        var request = method == HttpMethod.Get
            ? new HttpRequestMessage(HttpMethod.Get, new UriBuilder(action) { Query = new FormUrlEncodedContent(values).ReadAsStringAsync().Result }.Uri)
            : new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(values) };
        return SendAsync(request);
    }

    private async Task<Page> SendAsync(HttpRequestMessage request)
    {
        for (var hop = 0; hop < 20; hop++)
        {
            var response = await _http.SendAsync(request);
            var url = request.RequestUri!;
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
                or HttpStatusCode.TemporaryRedirect or HttpStatusCode.MovedPermanently)
            {
                var next = new Uri(url, response.Headers.Location!);
                if (StopAt is not null && next.ToString().StartsWith(StopAt.ToString(), StringComparison.Ordinal))
                {
                    return Current = new Page(next, response.StatusCode, string.Empty, null, Parser.ParseDocument(string.Empty));
                }

                request = new HttpRequestMessage(HttpMethod.Get, next);
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            var page = new Page(url, response.StatusCode, html, response.Content.Headers.ContentType?.MediaType, Parser.ParseDocument(html));
            Current = page;

            // Auto-submitting form_post responses (OAuth 2.0 Form Post Response Mode) are posted as a browser would.
            if (page.Document.QuerySelector("form") is IHtmlFormElement form
                && page.Document.Body?.GetAttribute("onload")?.Contains("submit", StringComparison.Ordinal) == true)
            {
                request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, form.Action))
                {
                    Content = new FormUrlEncodedContent(form.Elements.OfType<IHtmlInputElement>()
                        .Where(i => !string.IsNullOrEmpty(i.Name))
                        .Select(i => new KeyValuePair<string, string>(i.Name!, i.Value))),
                };
                continue;
            }

            return page;
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    public void Dispose() => _http.Dispose();
}

public sealed record Page(Uri Url, HttpStatusCode Status, string Html, string? MediaType, IHtmlDocument Document)
{
    public string? Text(string selector) => Document.QuerySelector(selector)?.TextContent.Trim();
}
