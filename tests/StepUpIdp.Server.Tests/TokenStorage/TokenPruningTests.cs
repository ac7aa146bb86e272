using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using StackExchange.Redis;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.TokenStorage;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Tests.TokenStorage;

/// <summary>The background pruning keeps the token table to what can still be used, one node at a time.</summary>
[Trait("Category", "Redis")]
public sealed class TokenPruningTests : IAsyncLifetime
{
    private readonly IdpHost _idp = new(settings: new Dictionary<string, string?> { ["TokenPruning:Enabled"] = "false" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    [Fact]
    public async Task Expired_and_revoked_tokens_go_while_live_and_redeemed_but_unexpired_refresh_tokens_stay()
    {
        var now = DateTimeOffset.UtcNow;
        var old = now.AddDays(-3);
        var live = await CreateTokenAsync(TokenTypeHints.RefreshToken, Statuses.Valid, old, now.AddDays(10));
        var redeemed = await CreateTokenAsync(TokenTypeHints.RefreshToken, Statuses.Redeemed, old, now.AddDays(10));
        var expired = await CreateTokenAsync(TokenTypeHints.RefreshToken, Statuses.Valid, old, now.AddDays(-2));
        var redeemedCode = await CreateTokenAsync(TokenTypeIdentifiers.Private.AuthorizationCode, Statuses.Redeemed, old, old.AddMinutes(2));
        var revoked = await CreateTokenAsync(TokenTypeHints.RefreshToken, Statuses.Revoked, old, now.AddDays(10));
        var revokedJustNow = await CreateTokenAsync(TokenTypeHints.RefreshToken, Statuses.Revoked, now.AddMinutes(-5), now.AddDays(10));

        var counts = await _idp.Service<TokenPruningService>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(3, counts?.Tokens);
        Assert.Equal([live, redeemed, revokedJustNow], await RemainingAsync([live, redeemed, expired, redeemedCode, revoked, revokedJustNow]));
    }

    [Fact]
    public async Task Only_one_node_prunes_in_an_interval()
    {
        var first = await _idp.Service<TokenPruningService>().RunOnceAsync(CancellationToken.None);
        var again = await _idp.Service<TokenPruningService>().RunOnceAsync(CancellationToken.None);
        var otherNode = new TokenPruningLock(_idp.Service<IConnectionMultiplexer>(), _idp.Service<IOptions<RedisOptions>>());

        Assert.NotNull(first);
        Assert.Null(again);
        Assert.False(await otherNode.TryTakeAsync(TimeSpan.FromMinutes(1)));
    }

    private async Task<string> CreateTokenAsync(string type, string status, DateTimeOffset created, DateTimeOffset expires)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var token = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            Type = type,
            Status = status,
            Subject = "someone",
            CreationDate = created,
            ExpirationDate = expires,
        });
        return (await tokens.GetIdAsync(token))!;
    }

    private async Task<List<string>> RemainingAsync(IEnumerable<string> ids)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var remaining = new List<string>();
        foreach (var id in ids)
        {
            if (await tokens.FindByIdAsync(id) is not null)
            {
                remaining.Add(id);
            }
        }

        return remaining;
    }
}
