using Microsoft.Extensions.Diagnostics.HealthChecks;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Health;

/// <summary>
/// Ready only while the database answers a query within <see cref="HealthEndpoints.CheckTimeout"/>, which cancels the
/// check's token. The check stops waiting when the token says so, whatever the driver does with the cancellation: a
/// server that stops answering without closing its connections (dropped packets) still gets the probe its answer in
/// time (docs/operations.md, "Health").
/// </summary>
public sealed class DatabaseHealthCheck(DatabaseProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var answer = probe.AnswerAsync(HealthEndpoints.CheckTimeout, cancellationToken);
        try
        {
            await answer.WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception)
        {
            // A probe given up on finishes on its own connection; its failure is seen here so it is never unobserved.
            _ = answer.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return new HealthCheckResult(context.Registration.FailureStatus, "The database did not answer.");
        }
    }
}
