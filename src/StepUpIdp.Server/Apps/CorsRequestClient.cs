using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;

namespace StepUpIdp.Server.Apps;

/// <summary>
/// The app a cross-origin call to the token, revocation or userinfo endpoint speaks for, so CORS can answer only that
/// app's origins (docs/admin-guide.md, "Apps"): the client id it authenticates with (HTTP Basic, else the form's
/// <c>client_id</c>), or the <c>client_id</c> claim of the access token it presents. Read without checking anything:
/// the endpoint itself checks the client and the token, and refuses what does not hold, so a request that names a
/// client falsely earns no more than that refusal.
/// </summary>
public static class CorsRequestClient
{
    /// <summary>The client id the request names, or null when it names none (preflights, discovery, the JWKS, bad requests).</summary>
    public static async Task<string?> ReadAsync(HttpRequest request)
    {
        if (HttpMethods.IsOptions(request.Method))
        {
            return null;
        }

        if (request.Path.StartsWithSegments("/connect/userinfo", StringComparison.OrdinalIgnoreCase))
        {
            return TokenClient(Bearer(request) ?? await FormValueAsync(request, "access_token"));
        }

        if (request.Path.StartsWithSegments("/connect/token", StringComparison.OrdinalIgnoreCase)
            || request.Path.StartsWithSegments("/connect/revoke", StringComparison.OrdinalIgnoreCase))
        {
            return BasicClient(request) ?? await FormValueAsync(request, "client_id");
        }

        return null;
    }

    private static string? Bearer(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
        && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) ? header.Parameter : null;

    // RFC 6749 section 2.3.1: the client id is form-encoded before it goes into the Basic credentials.
    private static string? BasicClient(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        var bytes = new byte[header.Parameter.Length * 3 / 4];
        if (!Convert.TryFromBase64String(header.Parameter, bytes, out var length))
        {
            return null;
        }

        var credentials = Encoding.UTF8.GetString(bytes, 0, length);
        var colon = credentials.IndexOf(':');
        return colon <= 0 ? null : Uri.UnescapeDataString(credentials[..colon].Replace('+', ' '));
    }

    private static async Task<string?> FormValueAsync(HttpRequest request, string name)
    {
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType)
        {
            return null;
        }

        try
        {
            // Read once and kept by ASP.NET Core: OpenIddict reads the same form afterwards.
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return form[name] is [{ } value] ? value : null;
        }
        catch (InvalidDataException)
        {
            return null; // a malformed or oversized form: the endpoint answers it
        }
    }

    private static string? TokenClient(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token).TryGetPayloadValue<string>("client_id", out var clientId) ? clientId : null;
        }
        catch (ArgumentException)
        {
            return null; // not a JWT: the endpoint refuses it
        }
    }
}
