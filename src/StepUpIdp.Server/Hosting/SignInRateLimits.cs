using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using StepUpIdp.Domain.Network;

namespace StepUpIdp.Server.Hosting;

/// <summary>
/// Per-client-network limits (an IPv4 address or an IPv6 /64, <see cref="ClientNetwork"/>) on the forms that take
/// secrets (password and passcode pages). Account lock-out stops guessing one account's password; this stops one address from trying a password on many accounts
/// (password spraying) or flooding the passcode forms. Page loads are not limited, only submissions.
/// </summary>
public static class SignInRateLimits
{
    public const string Policy = "sign-in-forms";

    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var idp = configuration.GetSection(IdpOptions.Section).Get<IdpOptions>() ?? new IdpOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(
                    """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Too many attempts</title><link rel="stylesheet" href="/site.css"></head>""" +
                    """<body><main><h1>Too many attempts</h1><p id="rate-limited">Too many sign-in attempts came from your network. Wait a minute and try again.</p></main></body></html>""",
                    cancellationToken);
            };
            limiter.AddPolicy(Policy, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    ClientNetwork.KeyOf(http.Connection.RemoteIpAddress),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = idp.SignInPostsPerMinutePerIp, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("page-loads"));
        });
        return services;
    }
}
