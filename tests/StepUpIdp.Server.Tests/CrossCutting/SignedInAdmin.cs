using System.Net;
using System.Net.Http.Headers;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// An org admin signed in once for a class: a browser past the admin pages' step-up, and clients that do not follow
/// redirects carrying its session cookie, its admin API bearer token, or nothing (a signed-out caller), so each answer is
/// seen as sent.
/// </summary>
public sealed class SignedInAdmin : IDisposable
{
    private SignedInAdmin(string email, string organisationId, Browser browser, HttpClient api, IPAddress from)
    {
        Email = email;
        OrganisationId = organisationId;
        Browser = browser;
        Api = api;
        Cookie = Clients.NoRedirect(from, browser.Cookies);
        Bearer = Clients.NoRedirect(from, bearer: api.DefaultRequestHeaders.Authorization!.Parameter);
    }

    public string Email { get; }

    public string OrganisationId { get; }

    public Browser Browser { get; }

    /// <summary>The admin API client from <see cref="AdminClient"/> (follows redirects).</summary>
    public HttpClient Api { get; }

    /// <summary>The browser's session cookie, redirects not followed.</summary>
    public HttpClient Cookie { get; }

    /// <summary>The admin API bearer token, redirects not followed.</summary>
    public HttpClient Bearer { get; }

    public static async Task<SignedInAdmin> SignInAsync(IdpHost idp, string email, string organisationId = "acme")
    {
        var from = LoopbackAddresses.Next();
        var browser = await StepUp.AdminAsync(idp, email, organisationId, from);
        var api = await AdminClient.ForAsync(idp, email, organisationId, session: browser);
        return new SignedInAdmin(email, organisationId, browser, api, from);
    }

    public void Dispose()
    {
        Cookie.Dispose();
        Bearer.Dispose();
        Api.Dispose();
        Browser.Dispose();
    }
}

public static class Clients
{
    /// <summary>A client that shows each answer as sent (no redirect followed), from an address of its own.</summary>
    public static HttpClient NoRedirect(IPAddress? from = null, CookieContainer? cookies = null, string? bearer = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() };
        from ??= LoopbackAddresses.Next();
        handler.ConnectCallback = (context, cancellationToken) => LoopbackAddresses.ConnectAsync(from, context.DnsEndPoint, cancellationToken);
        var http = new HttpClient(handler);
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }
}
