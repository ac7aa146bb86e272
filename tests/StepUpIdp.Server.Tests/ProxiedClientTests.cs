using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// The IdP behind a load balancer at 10.1.2.3 (not loopback): the connection comes from the balancer, which names
/// the client in X-Forwarded-For. Per-address limits must count each client (an IPv6 client by its /64), and
/// per-account limits must not care about the address at all.
/// </summary>
public sealed class ProxiedClientTests : IAsyncLifetime
{
    private static readonly IPAddress Balancer = IPAddress.Parse("10.1.2.3");
    private readonly IdpHost _base = new(settings: new Dictionary<string, string?>
    {
        ["Idp:KnownProxies:0"] = Balancer.ToString(),
        ["Idp:SignInPostsPerMinutePerIp"] = "2",
    });

    private WebApplicationFactory<Program> _idp = null!;
    private Uri _address = null!;

    public Task InitializeAsync()
    {
        // Every connection reaches the IdP from the balancer's address, as it would behind a real one.
        _idp = _base.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddTransient<IStartupFilter>(_ => new FromBalancer())));
        _idp.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _idp.StartServer();
        _address = new Uri(_idp.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _idp.DisposeAsync();
        await _base.DisposeAsync();
    }

    [Fact]
    public async Task Clients_behind_a_known_proxy_each_have_their_own_limit()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync("198.51.100.7"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("198.51.100.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync("198.51.100.7"));

        Assert.Equal(HttpStatusCode.OK, await PostAsync("198.51.100.8"));
    }

    [Fact]
    public async Task An_ipv6_client_is_counted_by_its_64()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync("2001:db8:1:2::1"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("2001:db8:1:2::2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync("2001:db8:1:2:ffff::9"));

        Assert.Equal(HttpStatusCode.OK, await PostAsync("2001:db8:1:3::1"));
    }

    [Fact]
    public async Task The_password_lock_out_counts_per_account_whatever_the_address()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await PostAsync($"203.0.113.{i + 1}", "wrong-" + i));
        }

        using var browser = new Browser();
        browser.Headers.Add("X-Forwarded-For", "203.0.113.99");
        var landed = await browser.SignInAsync(await browser.OpenAsync(new Uri(_address, "account/signin")), "dave@acme.test");
        Assert.NotNull(landed.Text("#signin-error"));
    }

    private async Task<HttpStatusCode> PostAsync(string client, string password = "guess")
    {
        using var browser = new Browser();
        browser.Headers.Add("X-Forwarded-For", client);
        var page = await browser.OpenAsync(new Uri(_address, "account/signin"));
        return (await browser.SignInAsync(page, "dave@acme.test", password)).Status;
    }

    private sealed class FromBalancer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = Balancer;
                return following();
            });
            next(app);
        };
    }
}
