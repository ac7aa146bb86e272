using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// The route table the cross-cutting checks run over: every route can be filled from the demo data, the inventory finds
/// pages, page handlers, APIs and protocol endpoints, and the exemptions name routes that exist.
/// </summary>
public sealed class RouteInventoryTests(SharedIdpHost shared, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<SharedIdpHost>
{
    private readonly IdpHost _idp = shared.Host;

    [Fact]
    public async Task Every_route_parameter_can_be_filled_from_the_demo_data()
    {
        var values = await RouteInventory.ParameterValuesAsync(_idp);

        var unfillable = RouteInventory.Unfillable(_idp, values).ToList();

        Assert.True(unfillable.Count == 0,
            "Routes with a parameter RouteInventory.ParameterValuesAsync cannot fill (add a demo value for it):\n" + string.Join('\n', unfillable));
    }

    [Fact]
    public async Task The_parameter_table_names_only_parameters_some_route_has()
    {
        var used = RouteInventory.Endpoints(_idp).SelectMany(e => e.RoutePattern.Parameters.Select(p => p.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var stale = (await RouteInventory.ParameterValuesAsync(_idp)).Keys.Where(k => !used.Contains(k)).ToList();

        Assert.True(stale.Count == 0, "Parameters no route has: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task The_inventory_finds_pages_their_handlers_the_apis_and_the_protocol_endpoints()
    {
        var calls = (await RouteInventory.CallsAsync(_idp)).Select(c => c.ToString()).ToList();
        output.WriteLine(string.Join('\n', calls));

        Assert.Contains("GET /account/signin", calls);
        Assert.Contains("POST /account/signin", calls);
        Assert.Contains("POST /admin/{org}/apps?handler=Register", calls);
        Assert.Contains("GET /admin/{org}/users/{id}", calls);
        Assert.Contains("DELETE /api/orgs/{org}/apps/{app}", calls);
        Assert.Contains("POST /api/me/api-tokens", calls);
        Assert.Contains("GET /connect/authorize", calls);
        Assert.Contains("/.well-known/openid-configuration", RouteInventory.MiddlewarePaths(_idp));
    }

    [Fact]
    public async Task Exemptions_name_only_routes_that_exist()
    {
        var patterns = (await RouteInventory.CallsAsync(_idp)).Select(c => c.Pattern).ToHashSet(StringComparer.Ordinal);

        var stale = Exemptions.Antiforgery.Keys.Where(k => !patterns.Contains(k)).ToList();

        Assert.True(stale.Count == 0, "Antiforgery exemptions for routes the IdP does not have: " + string.Join(", ", stale));
    }
}
