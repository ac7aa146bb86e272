using Microsoft.Extensions.Options;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Sessions;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Sessions;

/// <summary>
/// The background half of sessions (docs/sessions.md), on every node that has <c>Idp:RunSessionWorker</c>: ends
/// sessions whose idle timeout or lifetime ran out while nobody used them (so their apps hear of it), and delivers
/// queued back-channel logouts, retrying with back-off. Both take their work from Redis, one node per item.
/// </summary>
public sealed class SessionWorker(
    IServiceScopeFactory scopes,
    ILogoutQueue queue,
    ISessionStore store,
    LogoutTokenFactory tokens,
    IHttpClientFactory http,
    IOptions<IdpOptions> options,
    TimeProvider clock,
    ILogger<SessionWorker> logger) : BackgroundService
{
    public const string HttpClientName = "StepUpIdp.BackChannelLogout";

    /// <summary>How often the worker looks for work: well inside the 60 seconds an app may wait for its logout.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed delivery is this node's before another node may try it.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>Retry back-off: 5 s, 10 s, 20 s … up to 10 minutes; given up after about a day.</summary>
    private const int MaxAttempts = 150;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunSessionWorker)
        {
            return;
        }

        using var timer = new PeriodicTimer(Poll);
        do
        {
            try
            {
                await SweepExpiredSessionsAsync(stoppingToken);
                await DeliverLogoutsAsync(stoppingToken);
            }
            catch (VerificationStoreUnavailableException)
            {
                // Redis is down: the work waits there until it is back.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogoutLog.WorkerFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepExpiredSessionsAsync(CancellationToken cancellationToken)
    {
        var due = await store.TakeDueExpiriesAsync(clock.GetUtcNow(), max: 100);
        if (due.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var sessions = scope.ServiceProvider.GetRequiredService<SignInSessions>();
        foreach (var (accountId, sessionId) in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var session = await store.GetAsync(accountId, sessionId);
            if (session is null)
            {
                continue;
            }

            if (sessions.Lifetime.Judge(session, clock.GetUtcNow()) == SessionState.Active)
            {
                // Used since it was scheduled: look again when it could end next.
                store.ScheduleExpiry(accountId, sessionId, sessions.Lifetime.EndsAt(session));
                continue;
            }

            await sessions.EndAsync(accountId, sessionId);
        }
    }

    private async Task DeliverLogoutsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var claimed = await queue.ClaimAsync(now, now + Lease, max: 50);
        await Task.WhenAll(claimed.Select(delivery => DeliverAsync(delivery, cancellationToken)));
    }

    private async Task DeliverAsync(LogoutDelivery delivery, CancellationToken cancellationToken)
    {
        bool delivered;
        try
        {
            using var content = new FormUrlEncodedContent([new("logout_token", tokens.Create(delivery))]);
            using var response = await http.CreateClient(HttpClientName).PostAsync(delivery.Uri, content, cancellationToken);
            delivered = response.IsSuccessStatusCode;
            if (!delivered)
            {
                LogoutLog.Refused(logger, delivery.ClientId, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogoutLog.Unreachable(logger, delivery.ClientId, ex.Message);
            delivered = false;
        }

        if (delivered)
        {
            LogoutLog.Delivered(logger, delivery.ClientId, delivery.Attempts + 1);
            await queue.CompleteAsync(delivery.Id);
            return;
        }

        var attempts = delivery.Attempts + 1;
        if (attempts >= MaxAttempts)
        {
            LogoutLog.GaveUp(logger, delivery.ClientId, attempts);
            await queue.CompleteAsync(delivery.Id);
            return;
        }

        var backOff = TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, Math.Min(attempts - 1, 10))));
        await queue.RetryAsync(delivery with { Attempts = attempts }, clock.GetUtcNow() + backOff);
    }
}

internal static partial class LogoutLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Back-channel logout delivered to {ClientId} (attempt {Attempt}).")]
    public static partial void Delivered(ILogger logger, string clientId, int attempt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Back-channel logout to {ClientId} answered {Status}; it will be retried.")]
    public static partial void Refused(ILogger logger, string clientId, int status);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Back-channel logout to {ClientId} failed: {Reason}; it will be retried.")]
    public static partial void Unreachable(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Back-channel logout to {ClientId} given up after {Attempts} attempts.")]
    public static partial void GaveUp(ILogger logger, string clientId, int attempts);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Error, Message = "The session worker failed; it carries on at the next tick.")]
    public static partial void WorkerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Back-channel logouts could not be queued: Redis is unavailable.")]
    public static partial void QueueUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "Back-channel logouts were not queued: the issuer is not known yet (set Idp:Issuer).")]
    public static partial void NoIssuer(ILogger logger);
}
