using System.Threading.Channels;

namespace StepUpIdp.Server.Hosting;

/// <summary>
/// Work a page hands off so that it can answer at once and alike whatever the work turns out to be (a passcode email
/// only for a known address, a password reset only for an account): one worker takes the items in order.
/// The queue is bounded; when it is full, <see cref="Enqueue"/> refuses the item (and says so through
/// <see cref="OnDropped"/>) rather than hold the request or grow without limit. An item that fails is reported through
/// <see cref="OnFailed"/> and the worker goes on with the next one.
/// </summary>
public abstract class OffRequestQueue<T> : BackgroundService
{
    private readonly Channel<T> _items;

    protected OffRequestQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        // Wait, not DropWrite: with DropWrite a full channel still accepts the write (and drops it), so a full queue
        // could never be noticed. With Wait, TryWrite refuses at once and nothing waits.
        _items = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Queues the item and returns at once: true when queued, false when the queue was full and it was dropped.</summary>
    public bool Enqueue(T item)
    {
        if (_items.Writer.TryWrite(item))
        {
            return true;
        }
        OnDropped(item);
        return false;
    }

    /// <summary>Does one item's work.</summary>
    protected abstract Task ProcessAsync(T item, CancellationToken cancellationToken);

    /// <summary>Called when an item is refused because the queue is full.</summary>
    protected abstract void OnDropped(T item);

    /// <summary>Called when an item's work throws; the worker then takes the next item.</summary>
    protected abstract void OnFailed(T item, Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in _items.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ProcessAsync(item, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    OnFailed(item, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
