using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Redis.Totp;
using StepUpIdp.Infrastructure.Redis.Sessions;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

[Collection(RedisCollection.Name)]
[Trait("Category", "Redis")]
public sealed class AddStepUpRedisTests(RedisTestServer server)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Stores_registered_twice_work_against_the_configured_server()
    {
        using var provider = BuildProvider(server.Configuration, twice: true);
        var passcodes = provider.GetRequiredService<IPasscodeChallengeStore>();
        var subject = new PasscodeSubject("org-1", "account-1");

        var issued = Assert.IsType<PasscodeIssueResult.Issued>(await passcodes.IssueAsync(subject, "192.0.2.1", Now));
        Assert.IsType<PasscodeVerifyResult.Verified>(await passcodes.VerifyAsync(subject, issued.Code, Now));

        Assert.Empty(await provider.GetRequiredService<ISessionStore>().ListAsync("account-1"));
        Assert.True(await provider.GetRequiredService<ITotpReplayGuard>().TryUseAsync("account-1", 1, Now));
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Single(provider.GetServices<IPasscodeChallengeStore>());
    }

    [Fact]
    public async Task Empty_configuration_starts_the_embedded_server_with_lua()
    {
        using var provider = BuildProvider(configuration: "", twice: false);

        var redis = provider.GetRequiredService<IConnectionMultiplexer>();
        Assert.StartsWith("127.0.0.1:", provider.GetRequiredService<EmbeddedRespServer>().Endpoint, StringComparison.Ordinal);
        Assert.Equal(42, (int)await redis.GetDatabase().ScriptEvaluateAsync("return 42"));
    }

    [Fact]
    public void Missing_passcode_hmac_key_is_refused_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = server.Configuration,
        }).Build();
        using var provider = new ServiceCollection().AddStepUpRedis(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PasscodeOptions>>().Value);
        Assert.Contains("Passcodes:HmacKey", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider BuildProvider(string configuration, bool twice)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = configuration,
            ["Redis:KeyPrefix"] = RedisTestServer.NewKeyPrefix(),
            ["Passcodes:HmacKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }).Build();
        var services = new ServiceCollection().AddStepUpRedis(settings);
        if (twice)
        {
            services.AddStepUpRedis(settings);
        }

        return services.BuildServiceProvider();
    }
}
