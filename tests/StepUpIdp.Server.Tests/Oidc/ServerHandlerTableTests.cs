using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using StepUpIdp.Server.Oidc;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.Oidc;

/// <summary>
/// OpenIddict's events go to the handler lists of <see cref="ServerHandlerTable"/> (docs/performance.md, "OpenIddict's
/// event dispatch"): for every event, the handlers OpenIddict registered for it, in OpenIddict's order, with only
/// singletons kept. Every protocol test runs through it; these check the table itself.
/// </summary>
public sealed class ServerHandlerTableTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>
{
    [Fact]
    public void Each_event_lists_openiddicts_handlers_for_it_in_openiddicts_order()
    {
        var handlers = shared.Host.Service<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.Handlers;
        var contextTypes = handlers.Select(h => h.ContextType).Distinct().ToList();
        Assert.True(contextTypes.Count > 20, $"only {contextTypes.Count} event types");

        foreach (var contextType in contextTypes)
        {
            var listed = Listed(contextType).Select(entry => entry.Descriptor).ToList();
            Assert.Equal(handlers.Where(h => h.ContextType == contextType).ToList(), listed);
        }
    }

    [Fact]
    public void Only_singleton_handlers_and_filters_are_kept_and_they_are_the_instances_every_request_gets()
    {
        var services = shared.Host.Services;
        using var first = services.CreateScope();
        using var second = services.CreateScope();
        var entries = services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.Handlers
            .Select(h => h.ContextType).Distinct().SelectMany(Listed).ToList();

        var scoped = entries.Where(e => e.Descriptor.ServiceDescriptor.Lifetime == ServiceLifetime.Scoped).ToList();
        Assert.NotEmpty(scoped);
        Assert.All(scoped, entry => Assert.Null(entry.Handler));
        Assert.Contains(scoped, e => e.Descriptor.ServiceDescriptor.ServiceType == typeof(OpenIddictServerHandlers.ValidateClientSecret));

        var kept = entries.Where(e => e.Handler is not null && e.Descriptor.ServiceDescriptor.ImplementationInstance is null).ToList();
        Assert.NotEmpty(kept);
        Assert.All(kept, entry =>
        {
            Assert.Same(first.ServiceProvider.GetService(entry.Descriptor.ServiceDescriptor.ServiceType), entry.Handler);
            Assert.Same(second.ServiceProvider.GetService(entry.Descriptor.ServiceDescriptor.ServiceType), entry.Handler);
        });

        var filters = entries.SelectMany(e => e.Descriptor.FilterTypes.Zip(e.Filters)).ToList();
        Assert.Contains(filters, f => f.Second is not null);
        Assert.All(filters.Where(f => f.Second is not null), f => Assert.Same(first.ServiceProvider.GetService(f.First), f.Second));
    }

    [Fact]
    public void Requests_dispatch_through_the_table()
    {
        using var scope = shared.Host.Services.CreateScope();
        Assert.IsType<TabledServerDispatcher>(scope.ServiceProvider.GetRequiredService<IOpenIddictServerDispatcher>());
    }

    private ServerHandlerTable.Entry[] Listed(Type contextType) =>
        (ServerHandlerTable.Entry[])typeof(ServerHandlerTable).GetMethod(nameof(ServerHandlerTable.For))!.MakeGenericMethod(contextType)
            .Invoke(shared.Host.Service<ServerHandlerTable>(), null)!;
}
