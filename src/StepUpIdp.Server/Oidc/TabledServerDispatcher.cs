using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Dispatches OpenIddict's server events as OpenIddict's own dispatcher does: the handlers registered for the
/// event, in their order, each run only if all its filters say so at that moment, until one marks the request
/// handled, skipped or rejected. What differs is where the list comes from: <see cref="ServerHandlerTable"/>
/// (docs/performance.md, "OpenIddict's event dispatch").
/// </summary>
internal sealed class TabledServerDispatcher(ServerHandlerTable table, IServiceProvider services, ILogger<TabledServerDispatcher> logger)
    : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context) where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var entry in table.For<TContext>())
        {
            if (!await IsActiveAsync(entry, context))
            {
                continue;
            }

            var handler = Resolve<IOpenIddictServerHandler<TContext>>(entry.Handler, entry.Descriptor.ServiceDescriptor.ServiceType);
            try
            {
                await handler.HandleAsync(context);
            }
            catch (Exception exception) when (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug(exception, "{Handler} failed while handling {Context}.", handler.GetType().FullName, typeof(TContext).FullName);
                throw;
            }

            if (context is BaseRequestContext { IsRequestHandled: true } or BaseRequestContext { IsRequestSkipped: true } or BaseValidatingContext { IsRejected: true })
            {
                return;
            }
        }
    }

    private async ValueTask<bool> IsActiveAsync<TContext>(ServerHandlerTable.Entry entry, TContext context) where TContext : BaseContext
    {
        var filterTypes = entry.Descriptor.FilterTypes;
        for (var index = 0; index < filterTypes.Length; index++)
        {
            var filter = Resolve<IOpenIddictServerHandlerFilter<TContext>>(entry.Filters[index], filterTypes[index]);
            if (!await filter.IsActiveAsync(context))
            {
                return false;
            }
        }

        return true;
    }

    private T Resolve<T>(object? kept, Type serviceType) where T : class =>
        (kept ?? services.GetService(serviceType)) as T
            ?? throw new InvalidOperationException($"{serviceType} is not registered as a {typeof(T)}.");
}
