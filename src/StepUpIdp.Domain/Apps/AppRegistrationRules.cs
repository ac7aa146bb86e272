using StepUpIdp.Domain.Claims;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Apps;

/// <summary>An app registration as an admin sent it: every field may be missing or wrong.</summary>
public sealed record AppRegistrationRequest(
    string? Name,
    string? Type,
    IReadOnlyList<string>? RedirectUris,
    IReadOnlyList<string>? PostLogoutRedirectUris,
    IReadOnlyList<string>? AllowedOrigins,
    string? BackChannelLogoutUri,
    string? Enforcement,
    IReadOnlyList<string>? Spaces,
    IReadOnlyList<string>? Scopes);

/// <summary>A registration that passed every rule, in canonical form.</summary>
public sealed record AppRegistration(
    string Name,
    bool Confidential,
    IReadOnlyList<Uri> RedirectUris,
    IReadOnlyList<Uri> PostLogoutRedirectUris,
    IReadOnlyList<string> AllowedOrigins,
    Uri? BackChannelLogoutUri,
    AppEnforcement Enforcement,
    IReadOnlyList<string> Spaces,
    IReadOnlyList<string> Scopes);

/// <summary>
/// What an app registration must be. Redirect and post-logout URIs are absolute, carry no fragment (RFC 6749 section
/// 3.1.2) and use https, or http on a loopback host for native and development apps (RFC 8252 section 7.3). Allowed
/// browser origins are bare origins (scheme, host, port: RFC 6454), never a path. The back-channel logout URI is an
/// absolute http(s) URI without a fragment (OpenID Connect Back-Channel Logout 1.0, section 2.2). A public app, which
/// signs people in from a browser or device, needs a redirect URI; a confidential one may be a machine client.
/// </summary>
public static class AppRegistrationRules
{
    public const int MaxUris = 20;
    public const int MaxSpaces = 100;

    public static readonly IReadOnlyList<string> AllowedScopes = ["profile", "email", "offline_access", .. StepUpScopes.All];
    public static readonly IReadOnlyList<string> DefaultScopes = ["profile", "email", "offline_access"];

    public static (AppRegistration? Registration, Dictionary<string, string[]> Errors) Validate(AppRegistrationRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || Audit.DisplayNames.HasHiddenCharacters(name))
        {
            errors["name"] = ["A name of 1 to 200 characters on one line is required."];
        }

        bool? confidential = request.Type switch
        {
            "public" => false,
            "confidential" => true,
            _ => null,
        };
        if (confidential is null)
        {
            errors["type"] = ["Either \"public\" (browser and native apps, no secret) or \"confidential\" (a server that keeps a secret)."];
        }

        var redirects = Uris(request.RedirectUris, "redirectUris", errors);
        var postLogout = Uris(request.PostLogoutRedirectUris, "postLogoutRedirectUris", errors);
        if (confidential == false && redirects.Count == 0 && !errors.ContainsKey("redirectUris"))
        {
            errors["redirectUris"] = ["A public app needs at least one redirect URI."];
        }

        var origins = Origins(request.AllowedOrigins, errors);
        Uri? backChannel = null;
        if (!string.IsNullOrWhiteSpace(request.BackChannelLogoutUri))
        {
            if (!Uri.TryCreate(request.BackChannelLogoutUri.Trim(), UriKind.Absolute, out backChannel)
                || backChannel.Scheme is not ("https" or "http") || backChannel.Fragment.Length > 0 || backChannel.UserInfo.Length > 0)
            {
                errors["backChannelLogoutUri"] = ["An absolute http or https URI without a fragment."];
            }
        }

        AppEnforcement? enforcement = (request.Enforcement ?? "enforced") switch
        {
            "enforced" => AppEnforcement.Enforced,
            "exempt" => AppEnforcement.Exempt,
            _ => null,
        };
        if (enforcement is null)
        {
            errors["enforcement"] = ["Either \"enforced\" (external users verify as the policy says) or \"exempt\"."];
        }

        var spaces = (request.Spaces ?? []).Select(s => s?.Trim() ?? "").ToList();
        if (spaces.Count > MaxSpaces || spaces.Any(s => !IsKey(s)) || spaces.Distinct(StringComparer.Ordinal).Count() != spaces.Count)
        {
            errors["spaces"] = [$"Up to {MaxSpaces} distinct keys of 1 to 100 lower-case letters, digits, '-', '_' or '.'."];
        }

        var scopes = (request.Scopes ?? DefaultScopes).Select(s => s?.Trim() ?? "").Where(s => s != "openid").Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Any(s => !AllowedScopes.Contains(s)))
        {
            errors["scopes"] = [$"Scopes are chosen from: {string.Join(", ", AllowedScopes)}."];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new AppRegistration(name!, confidential!.Value, redirects, postLogout, origins, backChannel, enforcement!.Value, spaces, scopes), errors);
    }

    /// <summary>An origin as browsers send it (lower-case scheme and host, the port only when not the default), or null.</summary>
    public static string? NormalizeOrigin(string? value)
    {
        var raw = value?.Trim() ?? "";
        raw = raw.EndsWith('/') ? raw[..^1] : raw;
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || (uri.Scheme == "http" && !uri.IsLoopback) || uri.UserInfo.Length > 0)
        {
            return null;
        }

        // Anything after the authority (a path, a query, a fragment) makes it more than an origin; a default port
        // written out (https://app.example:443) is the same origin.
        var origin = uri.GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, raw, StringComparison.OrdinalIgnoreCase)
            || string.Equals(new Uri(origin).GetLeftPart(UriPartial.Authority), raw.Replace($":{uri.Port}", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)
            ? origin.ToLowerInvariant()
            : null;
    }

    private static List<Uri> Uris(IReadOnlyList<string>? values, string field, Dictionary<string, string[]> errors)
    {
        var uris = new List<Uri>();
        foreach (var value in values ?? [])
        {
            if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
                || !(uri.Scheme == "https" || (uri.Scheme == "http" && uri.IsLoopback)))
            {
                errors[field] = [$"\"{value}\": an absolute https URI (http only on a loopback host such as 127.0.0.1) without a fragment."];
                return [];
            }

            uris.Add(uri);
        }

        if (uris.Count > MaxUris)
        {
            errors[field] = [$"At most {MaxUris}."];
        }

        return uris.DistinctBy(u => u.AbsoluteUri).ToList();
    }

    private static List<string> Origins(IReadOnlyList<string>? values, Dictionary<string, string[]> errors)
    {
        var origins = new List<string>();
        foreach (var value in values ?? [])
        {
            if (NormalizeOrigin(value) is not { } origin)
            {
                errors["allowedOrigins"] = [$"\"{value}\": an origin is a scheme, host and optional port (https://app.example or http://127.0.0.1:8765), with no path."];
                return [];
            }

            origins.Add(origin);
        }

        if (origins.Count > MaxUris)
        {
            errors["allowedOrigins"] = [$"At most {MaxUris}."];
        }

        return origins.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>A client id an admin chose: 3 to 100 of the characters of a space key, starting with a letter or digit.</summary>
    public static bool IsClientId(string? clientId) =>
        clientId is { Length: >= 3 } && IsKey(clientId) && char.IsAsciiLetterOrDigit(clientId[0]);

    private static bool IsKey(string key) =>
        key.Length is >= 1 and <= 100 && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');
}
