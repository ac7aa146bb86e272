using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>One way in to the IdP: a route of its route table, with one HTTP method and, for a Razor page, one handler.</summary>
/// <param name="Pattern">The route template as written, e.g. <c>/admin/{org}/users/{id}</c>.</param>
/// <param name="Method">GET, POST, PUT, DELETE...</param>
/// <param name="Handler">A Razor page's named handler (<c>?handler=Register</c>), or null.</param>
/// <param name="Path">The pattern with its parameters filled from the demo data.</param>
public sealed record RouteCall(string Pattern, string Method, string? Handler, string Path, bool IsPage)
{
    /// <summary>The address to send to, with the handler in the query as a form of the page posts it.</summary>
    public string Target => Handler is null ? Path : $"{Path}?handler={Handler}";

    public bool IsSafe => Method is "GET" or "HEAD";

    public override string ToString() => $"{Method} {Pattern}{(Handler is null ? string.Empty : "?handler=" + Handler)}";
}

/// <summary>
/// Every endpoint of the IdP, read from its route table (<see cref="EndpointDataSource"/>) and the page handlers of its
/// Razor pages, with route parameters filled from the demo data: the cross-cutting checks in this folder run over all of
/// them, so an endpoint added later is checked without editing a test (tests/README.md, "Adding an endpoint").
/// </summary>
public static class RouteInventory
{
    /// <summary>
    /// What each route parameter is filled with. A route whose parameter is not here fails
    /// <see cref="RouteInventoryTests"/>: add the parameter with a demo value, so every check can reach the route.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ParameterValuesAsync(IdpHost idp)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var dave = await db.Accounts.AsNoTracking().Where(a => a.Email == "dave@acme.test").Select(a => a.Id).SingleAsync();
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["org"] = "acme",
            ["app"] = "demo-spa",
            // A person of acme: the person page shows its form, and the APIs that take an id of another kind
            // (a group, a guest, a secret, a token, a named policy) answer 404 for it.
            ["id"] = dave,
            ["accountId"] = dave,
            ["domain"] = "acme.test",
            ["code"] = "404",
            ["documentName"] = "v1",
        };
    }

    /// <summary>Paths the IdP answers outside its route table: OpenIddict's own endpoints, from its options.</summary>
    public static IReadOnlyList<string> MiddlewarePaths(IdpHost idp)
    {
        var server = idp.Service<Microsoft.Extensions.Options.IOptions<OpenIddictServerOptions>>().Value;
        return server.ConfigurationEndpointUris.Concat(server.JsonWebKeySetEndpointUris)
            .Concat(server.IntrospectionEndpointUris).Concat(server.RevocationEndpointUris)
            .Select(u => "/" + u.OriginalString.TrimStart('/'))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The route endpoints of the host's route table (OpenAPI, pages, minimal APIs, health).</summary>
    public static IReadOnlyList<RouteEndpoint> Endpoints(IdpHost idp)
    {
        _ = idp.Address; // starts the host, which builds its route table
        return idp.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ISuppressMatchingMetadata>()?.SuppressMatching != true)
            .ToList();
    }

    public static string PatternOf(RouteEndpoint endpoint) => "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');

    /// <summary>Parameters of the routes that the table cannot fill (optional ones are left out, which fills them).</summary>
    public static IEnumerable<string> Unfillable(IdpHost idp, IReadOnlyDictionary<string, string> values) =>
        Endpoints(idp).SelectMany(e => e.RoutePattern.Parameters
            .Where(p => !p.IsOptional && !values.ContainsKey(p.Name))
            .Select(p => $"{PatternOf(e)}: {{{p.Name}}}"))
            .Distinct(StringComparer.Ordinal);

    /// <summary>Every (route, method, page handler) the IdP answers, its parameters filled.</summary>
    public static async Task<IReadOnlyList<RouteCall>> CallsAsync(IdpHost idp)
    {
        var values = await ParameterValuesAsync(idp);
        var loader = idp.Service<PageLoader>();
        var calls = new List<RouteCall>();
        foreach (var endpoint in Endpoints(idp))
        {
            var pattern = PatternOf(endpoint);
            var path = Fill(endpoint.RoutePattern, values);
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                // A page answers GET, and POST through each of its handlers (OnPost, OnPostName).
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                calls.Add(new RouteCall(pattern, "GET", null, path, true));
                calls.AddRange(compiled.HandlerMethods
                    .Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase))
                    .Select(h => new RouteCall(pattern, "POST", h.Name, path, true)));
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            calls.AddRange(methods.Where(m => m != "HEAD" && m != "OPTIONS")
                .Select(m => new RouteCall(pattern, m.ToUpperInvariant(), null, path, false)));
        }

        return calls.DistinctBy(c => c.ToString()).OrderBy(c => c.Pattern, StringComparer.Ordinal).ThenBy(c => c.Method).ToList();
    }

    private static string Fill(RoutePattern pattern, IReadOnlyDictionary<string, string> values)
    {
        var segments = new List<string>();
        foreach (var segment in pattern.PathSegments)
        {
            var text = string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart parameter when values.TryGetValue(parameter.Name, out var value) => Uri.EscapeDataString(value),
                RoutePatternParameterPart { IsOptional: true } => string.Empty,
                RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                _ => string.Empty,
            }));
            if (text.Length > 0)
            {
                segments.Add(text);
            }
        }

        return "/" + string.Join('/', segments);
    }
}
