using Microsoft.AspNetCore.WebUtilities;

namespace StepUpIdp.Server.Verification;

/// <summary>
/// One of the IdP's own account or admin pages that sent the person to sign in again or verify before a sensitive
/// action (docs/security.md, "Recent strong sign-in"), and the organisation the verification is for: the
/// <c>/admin/{org}/</c> path segment, or else the <c>org</c> query parameter. Only local paths under
/// <c>/account/</c> and <c>/admin/</c> are accepted, so the verification pages cannot be turned into open redirectors.
/// </summary>
public static class PortalReturnUrl
{
    private const string AdminPrefix = "/admin/";

    public static bool IsValid(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl)
        && returnUrl.Length <= 4096
        && (returnUrl.StartsWith("/account/", StringComparison.Ordinal) || returnUrl.StartsWith(AdminPrefix, StringComparison.Ordinal))
        && !returnUrl.Contains("//", StringComparison.Ordinal)
        && !returnUrl.Contains('\\', StringComparison.Ordinal)
        && Organisation(returnUrl) is not null;

    public static string? Organisation(string returnUrl)
    {
        var query = returnUrl.IndexOf('?');
        var path = query < 0 ? returnUrl : returnUrl[..query];
        if (path.StartsWith(AdminPrefix, StringComparison.Ordinal))
        {
            var org = path[AdminPrefix.Length..].Split('/')[0];
            return org.Length > 0 ? org : null;
        }

        return query >= 0 && QueryHelpers.ParseQuery(returnUrl[query..]).TryGetValue("org", out var value) && value.ToString() is { Length: > 0 } named
            ? named
            : null;
    }

    /// <summary>
    /// The page's own URL, as a GET (without a form post's <c>handler</c>), with <c>org</c> set outside
    /// <c>/admin/{org}/</c>: where to come back to after the step-up.
    /// </summary>
    public static string For(HttpRequest request, string organisationId)
    {
        var path = (request.PathBase + request.Path).Value!;
        var admin = path.StartsWith(AdminPrefix, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(p => p.Key != "handler" && (admin || p.Key != "org"))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        if (!admin)
        {
            query = query.Append(new KeyValuePair<string, string?>("org", organisationId));
        }

        return QueryHelpers.AddQueryString(path, query);
    }
}
