using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace StepUpIdp.Server.Health;

/// <summary>
/// Ready only when every primary the IdP's connection knows answers PING: one server, each node of a Redis Cluster, or
/// the primary behind Sentinel (docs/operations.md). PING needs no admin commands, so the connection keeps
/// <c>allowAdmin</c> off (a cluster's <c>CLUSTER INFO</c> would need it).
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var primaries = redis.GetServers().Where(server => !server.IsReplica).ToList();
            if (primaries.Count == 0 || primaries.Any(server => !server.IsConnected))
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "A Redis primary is not connected.");
            }

            await Task.WhenAll(primaries.Select(server => server.PingAsync())).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer.");
        }
    }
}
