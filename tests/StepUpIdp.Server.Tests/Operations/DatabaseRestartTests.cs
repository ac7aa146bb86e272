using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing.Redis;
using Xunit.Abstractions;

namespace StepUpIdp.Server.Tests.Operations;

/// <summary>
/// PostgreSQL is restarted (<c>pg_ctl stop -m fast</c>, then start) under an IdP node while 20 clients sign people in,
/// redeem codes, refresh and ask for client-credentials tokens. While it is away every answer is clean: the token
/// endpoint's OAuth error JSON, a readable 503 page for people, <c>/health/ready</c> not ready; never a 500, a stack
/// trace or a request left hanging. Within 30 s of the database's return a new sign-in and its tokens succeed, with no
/// restart of the IdP. docs/operations.md, "What each failure does to people".
/// </summary>
[Trait("Category", "Outages")]
public sealed class DatabaseRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 20;
    private static readonly Uri Callback = new("http://127.0.0.1:8765/callback"); // demo-spa's redirect URI
    private static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(20);

    private readonly RedisTestServer _redis = new();
    private readonly TestDataFolder _data = new();
    private readonly ConcurrentBag<string> _unexpected = [];
    private PrivatePostgres? _postgres;
    private IdpProcess? _idp;
    private volatile bool _databaseDown;
    private int _flowsCompleted;
    private int _refusedWhileDown;
    private int _refusedTokenRequestsWhileDown;
    private int _refusedPagesWhileDown;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        await _data.DisposeAsync();
        _redis.Dispose();
    }

    [PrivatePostgresFact]
    public async Task A_database_restart_under_load_answers_cleanly_and_service_returns_by_itself()
    {
        _postgres = await PrivatePostgres.StartAsync();
        _idp = await IdpProcess.StartAsync(_data.Path, _redis.Configuration, smtp: null, new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = RedisTestServer.NewKeyPrefix(),
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = _postgres.ConnectionString("stepupidp"),
            ["Idp:SignInPostsPerMinutePerIp"] = "10000",
        });

        await AddPeopleAsync(_postgres.ConnectionString("stepupidp"));

        using var stop = new CancellationTokenSource();
        var refreshTokens = new string?[Clients];
        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(() => RunClientAsync(i, refreshTokens, stop.Token))).ToList();
        await WaitUntilAsync(() => refreshTokens.All(token => token is not null), TimeSpan.FromSeconds(120), "every client to hold a refresh token");

        await _postgres.StopAsync();
        _databaseDown = true;
        var notReady = await WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable, DateTime.UtcNow + TimeSpan.FromSeconds(30));
        Assert.Equal("Unhealthy", notReady.GetProperty("checks").GetProperty("database").GetString());
        // Down long enough that every kind of request has met the outage: pages and the token endpoint.
        await WaitUntilAsync(() => _refusedWhileDown >= Clients && _refusedTokenRequestsWhileDown > 0 && _refusedPagesWhileDown > 0,
            TimeSpan.FromSeconds(60), "requests to meet the outage");

        await _postgres.StartAgainAsync();
        _databaseDown = false;
        var backAt = DateTime.UtcNow;

        // Full service by itself: a new person signs in and gets tokens within 30 s, the node ready again.
        var fullService = backAt + TimeSpan.FromSeconds(30);
        var completedBefore = _flowsCompleted;
        while (!await SignInAndRedeemAsync(Clients, null) && DateTime.UtcNow < fullService)
        {
            await Task.Delay(200);
        }

        var signedInAfter = DateTime.UtcNow - backAt;
        Assert.True(DateTime.UtcNow < fullService, $"no sign-in succeeded within 30 s of the database's return:\n{string.Join('\n', _unexpected)}");
        await WaitForReadinessAsync(HttpStatusCode.OK, fullService);
        await WaitUntilAsync(() => _flowsCompleted > completedBefore + Clients, TimeSpan.FromSeconds(30), "the clients to sign in again");

        await stop.CancelAsync();
        await Task.WhenAll(clients);
        output.WriteLine($"flows completed: {_flowsCompleted}; clean refusals while down: {_refusedWhileDown} " +
            $"(token endpoint {_refusedTokenRequestsWhileDown}, pages {_refusedPagesWhileDown}); first sign-in {signedInAfter.TotalSeconds:0.0} s after the return");
        Assert.True(_unexpected.IsEmpty, $"{_unexpected.Count} unexpected answers:\n{string.Join('\n', _unexpected.Take(20))}");
    }

    /// <summary>One client: refreshes its tokens, asks for a client-credentials token, signs a person in, over and over.</summary>
    private async Task RunClientAsync(int client, string?[] refreshTokens, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (refreshTokens[client] is { } refresh)
            {
                var (status, body) = await TokenAsync("refresh", new() { ["grant_type"] = "refresh_token", ["client_id"] = "demo-spa", ["refresh_token"] = refresh });
                refreshTokens[client] = status == HttpStatusCode.OK ? body.GetProperty("refresh_token").GetString()
                    : status == HttpStatusCode.BadRequest ? null // the refresh's answer was lost with the connection: a new sign-in
                    : refresh;
            }

            await TokenAsync("client_credentials", new() { ["grant_type"] = "client_credentials", ["client_id"] = "demo-api", ["client_secret"] = "demo-api-secret" });
            await SignInAndRedeemAsync(client, token => refreshTokens[client] = token);
            if (_databaseDown)
            {
                await Task.Delay(100, CancellationToken.None); // a person reads the page before trying again
            }
        }
    }

    /// <summary>A person signs in to demo-spa in a new browser and the app redeems the code; true when it got tokens.</summary>
    private async Task<bool> SignInAndRedeemAsync(int person, Action<string?>? keepRefreshToken)
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_idp!.Address, "demo-spa", Callback);
        var page = await WithinDeadlineAsync(browser.OpenAsync(flow.AuthorizeUri()), "GET /connect/authorize");
        if (page is null || !IsPage(page, "/account/signin"))
        {
            return false;
        }

        page = await WithinDeadlineAsync(browser.SignInAsync(page, Email(person)), "POST /account/signin");
        if (page is null || !IsCallback(page, out var code))
        {
            return false;
        }

        var (status, body) = await TokenAsync("authorization_code", new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = "demo-spa", ["code"] = code,
            ["redirect_uri"] = Callback.ToString(), ["code_verifier"] = flow.Verifier,
        });
        if (status != HttpStatusCode.OK)
        {
            return false;
        }

        keepRefreshToken?.Invoke(body.GetProperty("refresh_token").GetString());
        Interlocked.Increment(ref _flowsCompleted);
        return true;
    }

    /// <summary>
    /// An internal acme account per client and one for the sign-in after the restart, each with the user role on
    /// demo-spa, written to the database the IdP has migrated: a person signs in once at a time (the lock-out counts an
    /// attempt before checking it, so 20 sign-ins of one account at once would lock it).
    /// </summary>
    private static async Task AddPeopleAsync(string connectionString)
    {
        await using var db = new PostgresStepUpDbContext(new DbContextOptionsBuilder<PostgresStepUpDbContext>()
            .UseNpgsql(connectionString).UseOpenIddict().Options);
        var hasher = new PasswordHasher<Account>();
        for (var person = 0; person <= Clients; person++)
        {
            var account = new Account
            {
                Id = Guid.NewGuid().ToString("N"),
                Email = Email(person),
                NormalizedEmail = Email(person).ToUpperInvariant(),
                Name = $"Person {person.ToString(CultureInfo.InvariantCulture)}",
                EmailVerified = true,
            };
            account.PasswordHash = hasher.HashPassword(account, People.Password);
            db.Accounts.Add(account);
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = "acme", AccountId = account.Id });
            db.RoleGrants.Add(new RoleGrant { AppClientId = "demo-spa", AccountId = account.Id, Role = AppRole.User });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Internal (acme's verified domain): the password alone signs them in.</summary>
    private static string Email(int person) => $"restart{person.ToString(CultureInfo.InvariantCulture)}@acme.test";

    /// <summary>A page people see: the one expected, or while the database is away a readable 503 page.</summary>
    private bool IsPage(Page page, string path)
    {
        if (page.Status == HttpStatusCode.OK && page.Url.AbsolutePath == path)
        {
            return true;
        }

        RefusedOrUnexpected(page, $"expected {path}");
        return false;
    }

    private bool IsCallback(Page page, out string code)
    {
        code = "";
        if (page.Url.AbsoluteUri.StartsWith(Callback.AbsoluteUri, StringComparison.Ordinal))
        {
            var (received, error, description) = CodeFlow.ReadCallback(page);
            if (received is not null)
            {
                code = received;
                return true;
            }

            _unexpected.Add($"the app got an error instead of a code: {error} {description}");
            return false;
        }

        RefusedOrUnexpected(page, "expected the app's callback");
        return false;
    }

    private void RefusedOrUnexpected(Page page, string expected)
    {
        var readable = page.Status == HttpStatusCode.ServiceUnavailable && page.MediaType == "text/html"
            && page.Text("main") is { } text && text.Contains("try again", StringComparison.OrdinalIgnoreCase) && Clean(page.Html);
        if (!readable)
        {
            _unexpected.Add($"{expected}, got {(int)page.Status} {page.Url.AbsolutePath}: {Snippet(page.Html)} {page.Text(".error")}");
        }
        else if (_databaseDown)
        {
            Interlocked.Increment(ref _refusedWhileDown);
            Interlocked.Increment(ref _refusedPagesWhileDown);
        }
    }

    /// <summary>A token request: 200, or an OAuth error answer (JSON with <c>error</c>), never a 500 or a hang.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(string grant, Dictionary<string, string> form)
    {
        using var http = new HttpClient { Timeout = RequestDeadline };
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(new Uri(_idp!.Address, "connect/token"), new FormUrlEncodedContent(form));
        }
        catch (TaskCanceledException)
        {
            _unexpected.Add($"token ({grant}): no answer within {RequestDeadline.TotalSeconds} s");
            return (HttpStatusCode.GatewayTimeout, default);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            JsonElement body;
            try
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                _unexpected.Add($"token ({grant}): {(int)response.StatusCode}, not JSON: {Snippet(text)}");
                return (response.StatusCode, default);
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (response.StatusCode, body);
            }

            var oauthError = body.TryGetProperty("error", out var error) ? error.GetString() : null;
            if (oauthError is null || (int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable || !Clean(text))
            {
                _unexpected.Add($"token ({grant}): {(int)response.StatusCode} {Snippet(text)}");
            }
            else if (_databaseDown)
            {
                Interlocked.Increment(ref _refusedWhileDown);
                Interlocked.Increment(ref _refusedTokenRequestsWhileDown);
            }

            return (response.StatusCode, body);
        }
    }

    private async Task<Page?> WithinDeadlineAsync(Task<Page> request, string what)
    {
        try
        {
            return await request.WaitAsync(RequestDeadline);
        }
        catch (TimeoutException)
        {
            _unexpected.Add($"{what}: no answer within {RequestDeadline.TotalSeconds} s");
            return null;
        }
    }

    private async Task<JsonElement> WaitForReadinessAsync(HttpStatusCode expected, DateTime deadline)
    {
        using var http = new HttpClient { Timeout = RequestDeadline };
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync(new Uri(_idp!.Address, "health/ready"));
            last = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == expected)
            {
                Assert.True(Clean(last), last);
                return JsonDocument.Parse(last).RootElement.Clone();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"/health/ready did not answer {(int)expected} in time; last: {last}");
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what}. Unexpected answers so far:\n{string.Join('\n', _unexpected.Take(20))}\n{_idp?.Output[^Math.Min(4000, _idp.Output.Length)..]}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>No exception's name or stack frame in what people or apps are shown.</summary>
    private static bool Clean(string text) =>
        !text.Contains("Exception", StringComparison.Ordinal) && !text.Contains(" at StepUpIdp.", StringComparison.Ordinal)
        && !text.Contains("Npgsql", StringComparison.Ordinal);

    /// <summary>A page's title, or the start of any other answer.</summary>
    private static string Snippet(string text) =>
        System.Text.RegularExpressions.Regex.Match(text, "<title>(.*?)</title>") is { Success: true } title ? title.Groups[1].Value
            : text.Length <= 300 ? text : text[..300];
}
