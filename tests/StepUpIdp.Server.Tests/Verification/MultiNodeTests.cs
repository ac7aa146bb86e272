using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Verification;

/// <summary>
/// Several IdP nodes share one database and one Redis, so a verification made on one
/// node counts on every other, and the session cookie one node issued is honoured by the next.
/// </summary>
[Trait("Category", "Redis")]
public sealed class MultiNodeTests : IAsyncLifetime
{
    private static readonly Uri Callback = new("http://127.0.0.1:9/wiki/callback");
    private readonly RedisTestServer _redis = new();
    private readonly TestDataFolder _data = new();
    private SmtpSink _mail = null!;
    private IdpHost _nodeA = null!;
    private IdpHost _nodeB = null!;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        var prefix = RedisTestServer.NewKeyPrefix();
        var shared = new Dictionary<string, string?> { ["Redis:KeyPrefix"] = prefix };
        _nodeA = new IdpHost(_data.Path, _mail, _redis.Configuration, settings: shared);
        await _nodeA.RegisterPublicAppAsync("acme-wiki", "acme", Callback, AppEnforcement.Enforced);
        await _nodeA.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
        _nodeB = new IdpHost(_data.Path, _mail, _redis.Configuration, settings: shared);
        _ = _nodeB.Address;
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _data.DisposeAsync();
        await _mail.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task A_verification_made_on_one_node_counts_on_the_other()
    {
        // One browser, as behind a load balancer: cookies for 127.0.0.1 go to both nodes.
        using var browser = new Browser { StopAt = Callback };
        var onA = new CodeFlow(_nodeA.Address, "acme-wiki", Callback);
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(onA.AuthorizeUri()), "bob@partner.test");
        var callbackA = await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail, "bob@partner.test");
        Assert.NotNull(CodeFlow.ReadCallback(callbackA).Code);

        var onB = new CodeFlow(_nodeB.Address, "acme-wiki", Callback);
        var callbackB = await browser.OpenAsync(onB.AuthorizeUri());

        var (code, error, description) = CodeFlow.ReadCallback(callbackB);
        Assert.True(code is not null, $"node B asked again: {callbackB.Url} {error} {description}");
        var (status, tokens) = await onB.RedeemAsync(code);
        Assert.Equal(200, status);
        Assert.Equal("urn:stepupidp:acr:otp", Tokens.Read(tokens.GetProperty("id_token").GetString()!).GetClaim("acr").Value);
    }

    [Fact]
    public async Task A_client_secret_changed_on_one_node_is_refused_on_the_other_at_once()
    {
        // Node B has read demo-api's registration (and keeps it in memory) before node A changes its secret.
        Assert.Equal(200, await ClientCredentialsAsync(_nodeB, "demo-api-secret"));
        Assert.Equal(200, await ClientCredentialsAsync(_nodeB, "demo-api-secret"));

        await using (var scope = _nodeA.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync("demo-api") ?? throw new InvalidOperationException("no demo-api");
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application);
            descriptor.ClientSecret = "demo-api-rotated-secret";
            await applications.UpdateAsync(application, descriptor);
        }

        // Node B hears of the change over Redis within moments, not at the end of the cache's 60 s lifetime.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (await ClientCredentialsAsync(_nodeB, "demo-api-secret") == 200 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(401, await ClientCredentialsAsync(_nodeB, "demo-api-secret"));
        Assert.Equal(200, await ClientCredentialsAsync(_nodeB, "demo-api-rotated-secret"));
    }

    private static async Task<int> ClientCredentialsAsync(IdpHost node, string secret)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(node.Address, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "demo-api", ["client_secret"] = secret,
        }));
        return (int)response.StatusCode;
    }
}
