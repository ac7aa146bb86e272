using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>The IdP serves the OpenAPI document of its organisation API, and it lists the admin paths.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_openapi_document_lists_the_admin_api_paths()
    {
        await using var idp = new IdpHost();
        using var http = new HttpClient { BaseAddress = idp.Address };
        var response = await http.GetAsync("openapi/v1.json");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[]
        {
            "/api/orgs/{org}/users", "/api/orgs/{org}/users/{id}", "/api/orgs/{org}/users/{id}/deactivate", "/api/orgs/{org}/users/{id}/reactivate",
            "/api/orgs/{org}/groups", "/api/orgs/{org}/groups/{id}", "/api/orgs/{org}/groups/{id}/members", "/api/orgs/{org}/groups/{id}/members/{accountId}",
            "/api/orgs/{org}/domains", "/api/orgs/{org}/apps", "/api/orgs/{org}/apps/{app}/secrets", "/api/orgs/{org}/apps/{app}/guests",
            "/api/orgs/{org}/external-users", "/api/orgs/{org}/audit",
        })
        {
            Assert.True(paths.Contains(path), $"{path} is missing from the OpenAPI document: {string.Join(", ", paths)}");
        }

        Assert.DoesNotContain(paths, p => !p.StartsWith("/api/", StringComparison.Ordinal));
        Assert.Equal(["delete", "get", "patch", "put"], Operations("/api/orgs/{org}/users/{id}"));
        Assert.Equal(["delete", "put"], Operations("/api/orgs/{org}/groups/{id}/members/{accountId}"));

        List<string> Operations(string path) => [.. document.GetProperty("paths").GetProperty(path).EnumerateObject().Select(o => o.Name).Order(StringComparer.Ordinal)];
    }
}
