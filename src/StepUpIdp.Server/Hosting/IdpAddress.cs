namespace StepUpIdp.Server.Hosting;

/// <summary>The IdP's public root address, for links in emails: the configured issuer, else the request's own.</summary>
public static class IdpAddress
{
    public static Uri Root(HttpRequest request, IdpOptions idp) =>
        idp.Issuer is { } issuer ? WithSlash(issuer) : new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");

    /// <summary>"https://idp.example/base" and "https://idp.example/base/" both root links at .../base/.</summary>
    public static Uri WithSlash(Uri root) => root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
}
