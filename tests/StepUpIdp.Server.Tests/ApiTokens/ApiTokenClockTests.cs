using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using static StepUpIdp.Server.Tests.ApiTokens.ApiTokenTestDirectory;

namespace StepUpIdp.Server.Tests.ApiTokens;

/// <summary>The IdP on a fake clock, with every log line captured at the most verbose level.</summary>
public sealed class ApiTokenClockTests : IAsyncLifetime
{
    private readonly IdpHost _base = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ConcurrentQueue<string> _logs = new();
    private WebApplicationFactory<Program> _idp = null!;
    private Uri _address = null!;
    private OidcRelyingParty _portal = null!;

    public async Task InitializeAsync()
    {
        _idp = _base.WithWebHostBuilder(builder =>
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_clock));
            builder.ConfigureLogging(logging =>
            {
                logging.SetMinimumLevel(LogLevel.Trace);
                logging.AddProvider(new CollectingLoggerProvider(_logs));
            });
        });
        _idp.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _idp.StartServer();
        var addresses = _idp.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!;
        _address = new Uri(addresses.Addresses.First() + "/");

        _portal = await OidcRelyingParty.StartAsync(_address, "clock-portal", PortalScopes);
        await RegisterAsync();
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _idp.DisposeAsync();
        await _base.DisposeAsync();
    }

    [Fact]
    public async Task Access_token_never_outlives_the_api_token_expired_token_is_refused_and_no_secret_reaches_a_log()
    {
        using var bob = Bearer(_address, await AccessTokenAsync(_portal, "bob@partner.test", _idp));
        var (_, token) = await CreateTokenAsync(bob, days: 1);

        var (fresh, freshBody) = await ExchangeAsync(_address, token);
        Assert.Equal(200, fresh);
        Assert.InRange(freshBody.GetProperty("expires_in").GetInt32(), 590, 600);

        // In the API token's last 90 seconds the access token lasts only as long as the API token.
        _clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(90));
        var (late, lateBody) = await ExchangeAsync(_address, token);
        Assert.Equal(200, late);
        Assert.InRange(lateBody.GetProperty("expires_in").GetInt32(), 1, 90);

        _clock.Advance(TimeSpan.FromSeconds(89));
        Assert.Equal(200, (await ExchangeAsync(_address, token)).Status);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var (status, body) = await ExchangeAsync(_address, token);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("The API token has expired.", body.Description());

        Assert.NotEmpty(_logs);
        var secret = token[(4 + 32 + 1)..];
        Assert.DoesNotContain(_logs, line => line.Contains(secret, StringComparison.Ordinal));
    }

    private async Task RegisterAsync()
    {
        // TestDirectory's helpers take an IdpHost; this host is derived from one, so arrange through its services.
        await using var scope = _idp.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>();
        var descriptor = new OpenIddict.Abstractions.OpenIddictApplicationDescriptor
        {
            ClientId = "clock-portal",
            ClientType = OpenIddict.Abstractions.OpenIddictConstants.ClientTypes.Public,
            ConsentType = OpenIddict.Abstractions.OpenIddictConstants.ConsentTypes.Implicit,
            RedirectUris = { _portal.RedirectUri },
            Permissions =
            {
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.Endpoints.Authorization,
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.Endpoints.Token,
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.GrantTypes.AuthorizationCode,
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.ResponseTypes.Code,
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.Scopes.Profile,
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.Scopes.Email,
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.Prefixes.Scope + "offline_access",
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.Prefixes.Scope + "stepup.api_tokens",
                OpenIddict.Abstractions.OpenIddictConstants.Permissions.GrantTypes.RefreshToken,
            },
            Requirements = { OpenIddict.Abstractions.OpenIddictConstants.Requirements.Features.ProofKeyForCodeExchange },
        };
        await applications.CreateAsync(descriptor);
        var db = scope.ServiceProvider.GetRequiredService<StepUpIdp.Infrastructure.Data.StepUpDbContext>();
        db.Apps.Add(new StepUpIdp.Infrastructure.Data.App { ClientId = "clock-portal", OrganisationId = "acme", Name = "clock-portal", Enforcement = AppEnforcement.Exempt });
        await db.SaveChangesAsync();
        await _idp.SetRoleAsync("clock-portal", "bob@partner.test", AppRole.User);
    }
}
