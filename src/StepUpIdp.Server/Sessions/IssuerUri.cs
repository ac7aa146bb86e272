using Microsoft.Extensions.Options;
using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Sessions;

/// <summary>
/// The issuer to put in logout tokens: <c>Idp:Issuer</c> when set, otherwise the one the request was served under
/// (how OpenIddict derives it), remembered for the background work that has no request.
/// </summary>
public sealed class IssuerUri(IOptions<IdpOptions> options)
{
    private volatile string? _lastSeen;

    public string? Resolve(HttpContext? http)
    {
        if (options.Value.Issuer is { } configured)
        {
            return configured.AbsoluteUri;
        }

        if (http is not null)
        {
            _lastSeen = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/";
        }

        return _lastSeen;
    }
}
