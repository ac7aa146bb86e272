using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Passwords;

/// <summary>
/// Takes "I forgot my password" requests off the request, as <see cref="Guests.GuestMailQueue"/> does for guest
/// passcodes: the page queues the address and answers at once, after the same work for any address, and this worker
/// does the rest (<see cref="PasswordResetRequests"/>: the account lookup, the link, the audit rows, the email). So the
/// answer's timing cannot tell a known address from an unknown one (docs/admin-guide.md, "Passwords").
/// </summary>
public sealed class PasswordResetQueue(IServiceScopeFactory scopes, ILogger<PasswordResetQueue> logger)
    : OffRequestQueue<(string? Email, Uri Root)>(Capacity)
{
    private const int Capacity = 1000;

    protected override async Task ProcessAsync((string? Email, Uri Root) request, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PasswordResetRequests>().RequestAsync(request.Email, request.Root, cancellationToken);
    }

    protected override void OnDropped((string? Email, Uri Root) request) => PasswordLog.ResetQueueFull(logger);

    // The person saw the same page as everyone; they can ask again. The address is not logged.
    protected override void OnFailed((string? Email, Uri Root) request, Exception exception) =>
        PasswordLog.ResetRequestFailed(logger, exception);
}
