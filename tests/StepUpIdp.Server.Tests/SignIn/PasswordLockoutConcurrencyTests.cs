using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.SignIn;

/// <summary>
/// The password lock-out under parallel guessing: every wrong password counts, no more passwords are checked
/// than the lock-out allows, and the fifth failure locks the account for the right password too.
/// </summary>
public sealed class PasswordLockoutConcurrencyTests : IAsyncLifetime
{
    private readonly IdpHost _base = new(settings: new Dictionary<string, string?> { ["Idp:SignInPostsPerMinutePerIp"] = "1000" });
    private readonly ConcurrentQueue<string> _logs = new();
    private WebApplicationFactory<Program> _idp = null!;
    private Uri _address = null!;

    public Task InitializeAsync()
    {
        _idp = _base.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging
            .AddFilter<CollectingLoggerProvider>("StepUpIdp.Server.SignIn", LogLevel.Information)
            .AddProvider(new CollectingLoggerProvider(_logs))));
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

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Parallel_wrong_passwords_below_the_limit_each_count(int guesses)
    {
        var email = $"parallel-{guesses}@acme.test";
        await AddAccountAsync(email);

        await GuessInParallelAsync(email, guesses);

        Assert.Equal((guesses, (DateTimeOffset?)null), await StoredLockoutAsync(email));
        for (var i = guesses; i < 5; i++)
        {
            Assert.False(await SignsInAsync(email, "wrong-sequential"));
        }

        Assert.False(await SignsInAsync(email, People.Password));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(25)]
    public async Task Parallel_wrong_passwords_check_exactly_five_and_lock_the_account(int guesses)
    {
        var email = $"parallel-{guesses}@acme.test";
        await AddAccountAsync(email);

        await GuessInParallelAsync(email, guesses);

        var (failures, lockedUntil) = await StoredLockoutAsync(email);
        Assert.Equal(0, failures);
        Assert.NotNull(lockedUntil);
        Assert.Equal(5, _logs.Count(l => l.Contains("Password sign-in failed (wrong-password)", StringComparison.Ordinal)));
        Assert.Equal(guesses - 5, _logs.Count(l => l.Contains("Password sign-in failed (locked)", StringComparison.Ordinal)));
        Assert.Single(_logs, l => l.Contains("locked after repeated failed password sign-ins", StringComparison.Ordinal));
        Assert.False(await SignsInAsync(email, People.Password));
    }

    [Fact]
    public async Task The_right_password_after_parallel_wrong_ones_below_the_limit_clears_the_count()
    {
        const string email = "clears@acme.test";
        await AddAccountAsync(email);
        await GuessInParallelAsync(email, 4);

        Assert.True(await SignsInAsync(email, People.Password));

        Assert.Equal((0, (DateTimeOffset?)null), await StoredLockoutAsync(email));
    }

    private async Task AddAccountAsync(string email)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<Account>>();
        var account = new Account { Id = Guid.NewGuid().ToString("N"), Email = email, NormalizedEmail = email.ToUpperInvariant(), Name = email, EmailVerified = true };
        account.PasswordHash = hasher.HashPassword(account, People.Password);
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
    }

    /// <summary>Opens the sign-in page in <paramref name="guesses"/> browsers, then submits a wrong password from all at once.</summary>
    private async Task GuessInParallelAsync(string email, int guesses)
    {
        var browsers = Enumerable.Range(0, guesses).Select(_ => new Browser()).ToList();
        try
        {
            var pages = await Task.WhenAll(browsers.Select(b => b.OpenAsync(new Uri(_address, "account/signin"))));
            var answers = await Task.WhenAll(browsers.Select((b, i) => b.SignInAsync(pages[i], email, "wrong-parallel-" + i)));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
            Assert.All(answers, a => Assert.NotNull(a.Text("#signin-error")));
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    private async Task<bool> SignsInAsync(string email, string password)
    {
        using var browser = new Browser();
        var landed = await browser.SignInAsync(await browser.OpenAsync(new Uri(_address, "account/signin")), email, password);
        return landed.Text("#signin-error") is null;
    }

    private async Task<(int Failures, DateTimeOffset? LockedUntil)> StoredLockoutAsync(string email)
    {
        await using var scope = _idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Email == email);
        return (account.FailedPasswordAttempts, account.LockedUntil);
    }
}
