using System.Threading.Channels;

namespace StepUpIdp.Server.Passwords;

/// <summary>
/// Takes "I forgot my password" requests off the request, as <see cref="Guests.GuestMailQueue"/> does for guest
/// passcodes: the page queues the address and answers at once, after the same work for any address, and this worker
/// does the rest (<see cref="PasswordResetRequests"/>: the account lookup, the link, the audit rows, the email). So the
/// answer's timing cannot tell a known address from an unknown one (docs/admin-guide.md, "Passwords").
/// </summary>
public sealed class PasswordResetQueue(IServiceScopeFactory scopes, ILogger<PasswordResetQueue> logger) : BackgroundService
{
    private const int Capacity = 1000;

    private readonly Channel<(string? Email, Uri Root)> _requests = Channel.CreateBounded<(string?, Uri)>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Queues the request; returns at once whatever happens to it later.</summary>
    public void Enqueue(string? email, Uri root)
    {
        if (!_requests.Writer.TryWrite((email, root)))
        {
            PasswordLog.ResetQueueFull(logger);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (email, root) in _requests.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<PasswordResetRequests>().RequestAsync(email, root, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The person saw the same page as everyone; they can ask again. The address is not logged.
                    PasswordLog.ResetRequestFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
