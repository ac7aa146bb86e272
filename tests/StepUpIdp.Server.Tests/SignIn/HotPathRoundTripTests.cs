using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Server.Tests.TwoStep;

namespace StepUpIdp.Server.Tests.SignIn;

/// <summary>
/// Every authorize and token request pays for what the IdP reads to decide it (docs/performance.md): the directory
/// facts of the person on the app are read in one database round trip, not one per fact. These counts are the whole
/// request, OpenIddict's own reads and writes included, so a new query on the hot path shows up here.
/// </summary>
[Trait("Category", "Redis")]
public sealed class HotPathRoundTripTests : IAsyncLifetime
{
    private static readonly Uri Callback = AcmeWikiHost.Callback;
    private readonly FakeTimeProvider _clock = TwoStepSteps.NewClock();
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await AcmeWikiHost.StartAsync(["alice@acme.test", "bob@partner.test"], _clock);

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    // OpenIddict: (authorize) the client by id for the new rows, (refresh) the token, and its writes. The IdP: the person
    // on the app. The client's registration, the app with its org and, for an external user, the org's named policies
    // come from the registration cache (docs/performance.md), so internal and external users cost the same.
    [Theory]
    [InlineData("alice@acme.test", 4, 4)]
    [InlineData("bob@partner.test", 4, 4)]
    public async Task A_signed_in_authorize_and_a_refresh_read_the_directory_once(string email, int authorizeCommands, int refreshCommands)
    {
        using var browser = new Browser { StopAt = Callback };
        var first = _wiki.NewFlow();
        var page = await browser.SignInAsync(await browser.OpenAsync(first.AuthorizeUri()), email);
        if (page.Url.AbsolutePath == "/account/verify")
        {
            page = await browser.VerifyWithEmailedCodeAsync(page, _wiki.Mail, email);
        }

        Assert.NotNull(CodeFlow.ReadCallback(page).Code);

        // The second app request of the session: single sign-on, nothing to ask.
        var second = _wiki.NewFlow();
        using var counter = new DatabaseCommands(DatabaseOf(_wiki.Idp));
        var code = CodeFlow.ReadCallback(await browser.OpenAsync(second.AuthorizeUri())).Code;
        var authorize = counter.Take();
        Assert.NotNull(code);
        var (status, tokens) = await second.RedeemAsync(code!);
        Assert.Equal(200, status);

        counter.Take();
        var (refreshed, _) = await second.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        var refresh = counter.Take();
        Assert.Equal(200, refreshed);

        Assert.True(authorize.Count == authorizeCommands && refresh.Count == refreshCommands,
            $"authorize: {authorize.Count}\n{string.Join("\n---\n", authorize)}\n======\nrefresh: {refresh.Count}\n{string.Join("\n---\n", refresh)}");
    }

    /// <summary>What tells the host's connection string apart from other hosts': its data folder, or its PostgreSQL database.</summary>
    private static string DatabaseOf(IdpHost idp) =>
        idp.Service<Microsoft.Extensions.Configuration.IConfiguration>()["Database:ConnectionString"] is { } connection
        && connection.Split(';').FirstOrDefault(p => p.StartsWith("Database=", StringComparison.OrdinalIgnoreCase)) is { } database
            ? database["Database=".Length..]
            : idp.DataPath;

    /// <summary>The SQL commands that one host executes, as EF Core reports them.</summary>
    private sealed class DatabaseCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _host;
        private readonly ConcurrentQueue<string> _commands = new();
        private readonly List<IDisposable> _subscriptions = [];

        public DatabaseCommands(string database)
        {
            _host = database;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public List<string> Take()
        {
            var taken = new List<string>();
            while (_commands.TryDequeue(out var command))
            {
                taken.Add(command);
            }

            return taken;
        }

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData executed
                && executed.Context?.Database.GetConnectionString() is { } connection
                && connection.Contains(_host, StringComparison.Ordinal))
            {
                _commands.Enqueue(executed.Command.CommandText);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
