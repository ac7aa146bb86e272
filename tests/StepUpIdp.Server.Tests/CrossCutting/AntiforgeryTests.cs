using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// Every unsafe request a browser session can make (every POST handler of every page, every POST, PUT and DELETE of
/// the route table, bar the protocol endpoints of <see cref="Exemptions.Antiforgery"/>) is refused from acme's admin's
/// own browser when it lacks the antiforgery token or carries one from another session, and stores nothing: what a
/// forged cross-site form would get. The fields posted are those of the page's own form where a page has one.
/// </summary>
public sealed class AntiforgeryTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    private readonly IdpHost _idp = shared.Host;

    private sealed class Setup(SignedInAdmin alice, IReadOnlyList<Visit> visits, string foreignToken) : IDisposable
    {
        public SignedInAdmin Alice { get; } = alice;

        /// <summary>Alice's GETs of every page (the forms she is shown).</summary>
        public IReadOnlyList<Visit> Visits { get; } = visits;

        /// <summary>A valid token, but of another browser's session.</summary>
        public string ForeignToken { get; } = foreignToken;

        public void Dispose() => Alice.Dispose();
    }

    private Task<Setup> SetupAsync() => shared.OnceAsync("setup", async () =>
    {
        var alice = await SignedInAdmin.SignInAsync(_idp, "alice@acme.test");
        var visits = await RouteCrawl.GetAsync(_idp, new Dictionary<string, HttpClient> { ["alice's session"] = alice.Cookie });
        using var stranger = new Browser(LoopbackAddresses.Next());
        var signIn = await stranger.OpenAsync(new Uri(_idp.Address, "account/signin"));
        var foreign = signIn.Document.QuerySelector($"input[name='{FormField}']")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(foreign), "The sign-in page carries no antiforgery token.");
        return new Setup(alice, visits, foreign!);
    });

    private string FormField => _idp.Service<IOptions<AntiforgeryOptions>>().Value.FormFieldName;

    private string HeaderName => _idp.Service<IOptions<AntiforgeryOptions>>().Value.HeaderName!;

    public enum Token { Missing, Foreign }

    [Theory]
    [InlineData(Token.Missing)]
    [InlineData(Token.Foreign)]
    public async Task Every_unsafe_request_of_a_session_without_its_own_token_is_refused_and_stores_nothing(Token token)
    {
        var setup = await SetupAsync();
        var forms = FormsByTarget(setup.Visits);
        var calls = (await RouteInventory.CallsAsync(_idp)).Where(c => !c.IsSafe && !Exemptions.Antiforgery.ContainsKey(c.Pattern)).ToList();

        var registered = await PageAssert.RegisteredRedirectsAsync(_idp);
        var accepted = new List<string>();
        var pageHandlers = 0;
        var filledFromAForm = 0;
        foreach (var call in calls)
        {
            var fields = forms.GetValueOrDefault(Key(call.Path, call.Handler));
            filledFromAForm += fields is null ? 0 : 1;
            pageHandlers += call.IsPage ? 1 : 0;
            var before = await DatabaseFingerprint.TakeAsync(_idp);

            // Each from an address of its own, so the sign-in pages' per-address rate limit (30 posts a minute) never
            // answers first with a 429.
            using var http = Clients.NoRedirect(LoopbackAddresses.Next(), setup.Alice.Browser.Cookies);
            using var response = await http.SendAsync(Request(call, fields, token == Token.Foreign ? setup.ForeignToken : null));

            var status = (int)response.StatusCode;
            var stored = DatabaseFingerprint.Difference(before, await DatabaseFingerprint.TakeAsync(_idp));
            // A page refuses with 400 before its handler runs; an API refuses a session with 400 (no token) or 401/403
            // (it takes bearer tokens only), or sends the person to confirm on a page of the IdP's own.
            if ((call.IsPage && status != 400) || status is >= 200 and < 300 or >= 500 || stored.Length > 0)
            {
                accepted.Add($"{call} -> {status}{(stored.Length > 0 ? "\n  stored:\n" + stored : string.Empty)}");
            }

            // Signed in, the unsafe methods of every route redirect only home or to an app, as the GETs do.
            PageAssert.RedirectsOnlyToTheIdpOrAnApp(response, _idp.Address, registered, requireError: false);
            if (!await SignedInAsync(setup.Alice))
            {
                accepted.Add($"{call} -> {status}, and alice's session is gone");
                break;
            }
        }

        Assert.True(accepted.Count == 0, $"Accepted with the token {token.ToString().ToLowerInvariant()}:\n" + string.Join('\n', accepted));
        Assert.True(pageHandlers >= 40, $"Only {pageHandlers} page handlers were tried.");
        Assert.True(filledFromAForm >= 15, $"Only {filledFromAForm} requests carried a page's form fields.");
    }

    [Fact]
    public async Task Every_form_that_posts_to_the_idp_carries_the_antiforgery_token()
    {
        var setup = await SetupAsync();

        var posting = setup.Visits.Where(v => v.Page is not null)
            .SelectMany(v => v.Page!.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>()
                .Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase))
                .Select(f => (Visit: v, Form: f, Action: ActionOf(v, f))))
            .Where(x => x.Action.Authority == _idp.Address.Authority)
            .ToList();
        var without = posting.Where(x => x.Form.QuerySelector($"input[name='{FormField}']") is null)
            .Select(x => $"{x.Visit.Url}: <form action='{x.Form.GetAttribute("action")}'>").Distinct().ToList();

        Assert.True(without.Count == 0, "Forms without the antiforgery token:\n" + string.Join('\n', without));
        Assert.True(posting.Count >= 15, $"Only {posting.Count} forms were found.");
    }

    private HttpRequestMessage Request(RouteCall call, IReadOnlyList<KeyValuePair<string, string>>? fields, string? token)
    {
        var request = new HttpRequestMessage(new HttpMethod(call.Method), new Uri(_idp.Address, call.Target.TrimStart('/')));
        var values = (fields ?? []).Where(f => f.Key != FormField).ToList();
        if (token is not null)
        {
            values.Add(new(FormField, token));
            request.Headers.Add(HeaderName, token);
        }

        request.Content = fields is null && !call.IsPage
            ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json")
            : new FormUrlEncodedContent(values);
        return request;
    }

    private async Task<bool> SignedInAsync(SignedInAdmin alice)
    {
        using var response = await alice.Cookie.GetAsync(new Uri(_idp.Address, "account/sessions"));
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The fields of each form alice is shown, by where it posts (path and page handler).</summary>
    private Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>> FormsByTarget(IReadOnlyList<Visit> visits)
    {
        var forms = new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>(StringComparer.OrdinalIgnoreCase);
        foreach (var visit in visits.Where(v => v.Page is not null && v.Status == 200))
        {
            foreach (var form in visit.Page!.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>()
                .Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase)))
            {
                var action = ActionOf(visit, form);
                var handler = System.Web.HttpUtility.ParseQueryString(action.Query)["handler"];
                forms.TryAdd(Key(action.AbsolutePath, handler), FieldsOf(form));
            }
        }

        return forms;
    }

    private Uri ActionOf(Visit visit, IHtmlFormElement form) =>
        new(new Uri(_idp.Address, visit.Url.TrimStart('/')), string.IsNullOrEmpty(form.GetAttribute("action")) ? string.Empty : form.GetAttribute("action"));

    private static string Key(string path, string? handler) => $"{path.TrimEnd('/')}|{handler}";

    /// <summary>What the browser would send for the form as shown: its values, checked boxes, selected options.</summary>
    private static List<KeyValuePair<string, string>> FieldsOf(IHtmlFormElement form)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && input.Type is not ("submit" or "button")
                    && (input.Type is not ("checkbox" or "radio") || input.IsChecked):
                    values.Add(new(input.Name!, string.IsNullOrEmpty(input.Value) ? Filler(input) : input.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    var option = select.Options.FirstOrDefault(o => o.IsSelected) ?? select.Options.FirstOrDefault();
                    if (option is not null)
                    {
                        values.Add(new(select.Name!, option.Value));
                    }

                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    values.Add(new(area.Name!, area.Value.Length > 0 ? area.Value : "forged"));
                    break;
                case IHtmlButtonElement { Type: "submit" } button when !string.IsNullOrEmpty(button.Name):
                    values.Add(new(button.Name!, button.Value));
                    break;
            }
        }

        return values;
    }

    /// <summary>A plausible value for an empty field, so that a forged post would pass the form's own validation.</summary>
    private static string Filler(IHtmlInputElement input) => input.Type switch
    {
        "email" => $"forged-{Guid.NewGuid():N}@acme.test",
        "number" => "1",
        "date" => DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        "url" => "https://forged.example/callback",
        "password" => "forged-Passw0rd!",
        _ => "forged-" + Guid.NewGuid().ToString("N")[..8],
    };
}
