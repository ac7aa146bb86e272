using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// OpenIddict's server handlers, listed once per event type in the order OpenIddict sorted them, with the
/// singleton handlers and filters already resolved (docs/performance.md, "OpenIddict's event dispatch").
/// Which handlers run for an event is a fact of the configuration; OpenIddict's own dispatcher worked it out
/// again for every event of every request by walking all of its several hundred handlers.
/// </summary>
internal sealed class ServerHandlerTable(IOptionsMonitor<OpenIddictServerOptions> options, IServiceProvider root, SingletonServiceTypes singletons)
{
    /// <summary>A handler with its filters. A null instance is resolved from the request's services on each use.</summary>
    public sealed record Entry(OpenIddictServerHandlerDescriptor Descriptor, object? Handler, object?[] Filters);

    private sealed record Snapshot(List<OpenIddictServerHandlerDescriptor> Source, ConcurrentDictionary<Type, Entry[]> ByContext);

    private Snapshot _snapshot = new([], new ConcurrentDictionary<Type, Entry[]>());

    public Entry[] For<TContext>() where TContext : BaseContext
    {
        var source = options.CurrentValue.Handlers;
        var snapshot = Volatile.Read(ref _snapshot);
        if (!ReferenceEquals(snapshot.Source, source))
        {
            // The options were built again: start a new table rather than mix entries from two configurations.
            snapshot = new Snapshot(source, new ConcurrentDictionary<Type, Entry[]>());
            Volatile.Write(ref _snapshot, snapshot);
        }

        return snapshot.ByContext.GetOrAdd(typeof(TContext), static (type, state) => state.Table.Build(state.Source, type), (Table: this, Source: source));
    }

    private Entry[] Build(List<OpenIddictServerHandlerDescriptor> source, Type contextType) =>
        source.Where(descriptor => descriptor.ContextType == contextType)
            .Select(descriptor => new Entry(
                descriptor,
                descriptor.ServiceDescriptor switch
                {
                    { ImplementationInstance: { } instance } => instance,
                    { ServiceType: var type } when singletons.Contains(type) => root.GetService(type),
                    _ => null,
                },
                [.. descriptor.FilterTypes.Select(filter => singletons.Contains(filter) ? root.GetService(filter) : null)]))
            .ToArray();
}
