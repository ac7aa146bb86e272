using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// The real IdP on Kestrel at 127.0.0.1 (a random port), in Development with the demo data and a data
/// folder of its own. Redis is the IdP's own embedded server, or the server named by
/// <c>STEPUPIDP_TEST_REDIS</c> or the cluster named by <c>STEPUPIDP_TEST_REDIS_CLUSTER</c> (with a key prefix of its own); mail goes to a real SMTP listener when
/// one is given; the clock can be a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class IdpHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly FakeTimeProvider? _clock;
    private readonly TestDataFolder? _ownData;

    // Made here, on the test's own stack: the host itself is built on a thread of its own.
    private readonly HostErrorLog? _errors = HostErrorLog.FromEnvironment();

    public IdpHost(string? dataPath = null, SmtpSink? smtp = null, string? redis = null, FakeTimeProvider? clock = null,
        IDictionary<string, string?>? settings = null, int port = 0)
    {
        // A host given no folder makes one of its own, and removes it (and its database) when disposed.
        _ownData = dataPath is null ? new TestDataFolder() : null;
        DataPath = dataPath ?? _ownData!.Path;
        _clock = clock;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["DataPath"] = DataPath,
        };

        redis ??= RedisTestServer.ExternalConfiguration;
        if (!string.IsNullOrWhiteSpace(redis))
        {
            _settings["Redis:Configuration"] = redis;
            _settings.TryAdd("Redis:KeyPrefix", RedisTestServer.NewKeyPrefix());
        }

        // With STEPUPIDP_TEST_POSTGRES (an Npgsql connection string without a database name) every data folder has a
        // database of its own on that server, so the whole suite runs against PostgreSQL as well as SQLite; hosts that
        // share a folder (restarts, several nodes) share its database too.
        if (TestDataFolder.Postgres is { } postgres)
        {
            // Hosts run side by side, some firing 50 requests at once: a small pool each keeps the suite under the
            // server's max_connections (requests wait for a connection instead of failing with 53300).
            if (!postgres.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
            {
                postgres += ";Maximum Pool Size=10";
            }

            _settings["Database:Provider"] = "Postgres";
            _settings["Database:ConnectionString"] = TestDataFolder.DatabaseOf(DataPath, postgres);
        }

        Mail = smtp;
        if (smtp is not null)
        {
            _settings["Smtp:Host"] = smtp.Host;
            _settings["Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _settings["Smtp:Security"] = "None";
            _settings["Smtp:From"] = "StepUpIdp <no-reply@idp.test>";
        }

        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    public const string PostgresVariable = TestDataFolder.PostgresVariable;

    public string DataPath { get; }

    /// <summary>The SMTP server the host sends to, or null when its mail goes to the development outbox.</summary>
    public SmtpSink? Mail { get; }

    /// <summary>The IdP's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
            return new Uri(addresses.Addresses.First() + "/");
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Warning);
            if (_errors is not null)
            {
                logging.AddProvider(_errors);
            }
        });
        if (_clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_clock));
        }
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_settings.GetValueOrDefault("Database:Provider") == "Postgres" && _settings.GetValueOrDefault("Database:ConnectionString") is { } connectionString)
        {
            // A stopped host's idle connections would otherwise stay open for minutes, and a suite of hosts would
            // run PostgreSQL out of connection slots (53300).
            using var connection = new Npgsql.NpgsqlConnection(connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }

        if (_ownData is not null)
        {
            await _ownData.DisposeAsync();
        }
    }
}
