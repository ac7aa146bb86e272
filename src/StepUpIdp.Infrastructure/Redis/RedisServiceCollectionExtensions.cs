using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Redis.Totp;
using StepUpIdp.Infrastructure.Redis.Sessions;

namespace StepUpIdp.Infrastructure.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Redis connection (or the embedded RESP server when <c>Redis:Configuration</c> is
    /// empty) and the session, passcode and TOTP-replay stores. Safe to call twice; services the
    /// host registered first (a tightened <see cref="PasscodeLimits"/>, its own
    /// <see cref="IConnectionMultiplexer"/>) are kept.
    /// </summary>
    public static IServiceCollection AddStepUpRedis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        if (services.Any(service => service.ServiceType == typeof(StepUpRedisMarker)))
        {
            return services;
        }

        services.AddSingleton<StepUpRedisMarker>();

        services.AddOptions<RedisOptions>()
            .Bind(configuration.GetSection(RedisOptions.SectionName))
            .Validate(options => options.KeyPrefix is not null, "Redis:KeyPrefix must not be null.")
            .ValidateOnStart();
        services.AddOptions<PasscodeOptions>()
            .Bind(configuration.GetSection(PasscodeOptions.SectionName))
            .Validate(
                options => IsUsableHmacKey(options.HmacKey),
                $"Passcodes:HmacKey must be base64 of at least {PasscodeHashing.MinimumKeyBytes} random bytes.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(PasscodeLimits.Default);
        services.TryAddSingleton(sp => EmbeddedRespServer.Start(sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configurationString = sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration;
            return RedisConnection.Connect(string.IsNullOrWhiteSpace(configurationString)
                ? sp.GetRequiredService<EmbeddedRespServer>().Endpoint
                : configurationString);
        });
        services.TryAddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        services.TryAddSingleton(sp => PasscodeHashing.FromBase64(sp.GetRequiredService<IOptions<PasscodeOptions>>().Value.HmacKey));
        services.TryAddSingleton(sp => VerificationSeal.FromBase64(sp.GetRequiredService<IOptions<PasscodeOptions>>().Value.HmacKey));

        services.TryAddSingleton<ISessionStore, RedisSessionStore>();
        services.TryAddSingleton<ILogoutQueue, RedisLogoutQueue>();
        services.TryAddSingleton<IPasscodeChallengeStore, RedisPasscodeChallengeStore>();
        services.TryAddSingleton<ITotpReplayGuard, RedisTotpReplayGuard>();
        services.TryAddSingleton<PasswordResets.PasswordResetSends>();
        return services;
    }

    private static bool IsUsableHmacKey(string? base64)
    {
        var buffer = new byte[((base64?.Length ?? 0) * 3 / 4) + 3];
        return !string.IsNullOrWhiteSpace(base64)
            && Convert.TryFromBase64String(base64, buffer, out var written)
            && written >= PasscodeHashing.MinimumKeyBytes;
    }

    private sealed class StepUpRedisMarker;
}
