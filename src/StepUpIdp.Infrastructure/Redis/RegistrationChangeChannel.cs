using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StepUpIdp.Infrastructure.Data.Registrations;

namespace StepUpIdp.Infrastructure.Redis;

/// <summary>
/// Tells every node of a registration change saved on one of them, over Redis pub/sub (docs/performance.md,
/// "Registrations: cached until they change"). Pub/sub delivers at most once and only to listeners connected at the
/// time, so this node's caches are trusted only while its subscription is connected, and start over when it reconnects.
/// A change whose announcement cannot be sent (Redis down) reaches the other nodes' caches when their entries reach
/// <see cref="RegistrationCacheOptions.LifetimeSeconds"/>; in that outage they do not trust their caches anyway as long
/// as their own connection is down.
/// </summary>
public sealed class RegistrationChangeChannel(
    IConnectionMultiplexer redis, RedisKeys keys, RegistrationGeneration generation, ILogger<RegistrationChangeChannel> logger) : IHostedService
{
    private ChannelMessageQueue? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        generation.ChangedHere += Announce;
        return SubscribeAsync();
    }

    private async Task SubscribeAsync()
    {
        try
        {
            var subscription = await redis.GetSubscriber().SubscribeAsync(keys.RegistrationChanges).ConfigureAwait(false);
            subscription.OnMessage(_ => generation.ChangedElsewhere());
            _subscription = subscription;
            generation.Trust();
        }
        catch (Exception ex) when (RedisOutage.IsOutage(ex))
        {
            // Not trusted until the connection comes back (OnConnectionRestored subscribes again).
            logger.LogWarning(ex, "Registration changes cannot be heard from other nodes until Redis is back; registrations are read from the database meanwhile.");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        generation.ChangedHere -= Announce;
        redis.ConnectionFailed -= OnConnectionFailed;
        redis.ConnectionRestored -= OnConnectionRestored;
        generation.Distrust();
        try
        {
            if (_subscription is not null)
            {
                await _subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (RedisOutage.IsOutage(ex))
        {
            // Redis is gone as the node stops: the subscription goes with the connection.
        }
    }

    private void Announce()
    {
        try
        {
            redis.GetSubscriber().Publish(keys.RegistrationChanges, RedisValue.EmptyString, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisOutage.IsOutage(ex))
        {
            logger.LogWarning(ex, "A registration change could not be announced to other nodes; their caches catch up within RegistrationCache:LifetimeSeconds.");
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => generation.Distrust();

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_subscription is null)
        {
            // The first subscription failed: try again now that Redis answers.
            _ = SubscribeAsync();
            return;
        }

        if (redis.GetSubscriber().IsConnected(keys.RegistrationChanges))
        {
            generation.Trust();
        }
    }
}
