using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Operations;

/// <summary>
/// <c>/metrics</c> answers in Prometheus text format, and an external user's sign-in moves the counters an operator
/// watches: sign-ins, passcodes sent and verified, tokens by grant, and the Redis and database latency histograms.
/// </summary>
public sealed partial class MetricsTests : IAsyncLifetime
{
    private SmtpSink? _mail;
    private IdpHost? _idp;
    private OidcRelyingParty? _app;
    private HttpClient? _http;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The host with mail and an enforced app for bob, for the one test that signs in (the others start hosts with other settings).</summary>
    private async Task StartAsync()
    {
        _mail = await SmtpSink.StartAsync();
        _idp = new IdpHost(smtp: _mail);
        _app = await _idp.StartPublicAppAsync("acme-wiki", "acme", AppEnforcement.Enforced);
        await _idp.GrantAsync("acme-wiki", "bob@partner.test", AppRole.User);
        _http = new HttpClient { BaseAddress = _idp.Address };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }

        if (_mail is not null)
        {
            await _mail.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_external_users_sign_in_moves_the_counters_at_metrics()
    {
        await StartAsync();
        var before = await ScrapeAsync();

        using var browser = new Browser();
        var verifyPage = await browser.SignInAsync(await browser.OpenAsync(_app!.LoginUri()), "bob@partner.test");
        SignInOutcome.From(await browser.VerifyWithEmailedCodeAsync(verifyPage, _mail!, "bob@partner.test")).Succeeded();

        // The exporter may answer from a scrape cached for a moment: ask until the sign-in shows.
        string after;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            await Task.Delay(100);
            after = await ScrapeAsync();
        }
        while (Value(after, "stepupidp_tokens_issued_total", "grant_type=\"authorization_code\"") <= Value(before, "stepupidp_tokens_issued_total", "grant_type=\"authorization_code\"")
            && DateTime.UtcNow < deadline);

        Assert.True(Value(after, "stepupidp_sign_ins_total", "result=\"success\"") > Value(before, "stepupidp_sign_ins_total", "result=\"success\""));
        Assert.True(Value(after, "stepupidp_passcodes_sent_total") > Value(before, "stepupidp_passcodes_sent_total"));
        Assert.True(Value(after, "stepupidp_passcodes_verified_total") > Value(before, "stepupidp_passcodes_verified_total"));
        Assert.True(Value(after, "stepupidp_tokens_issued_total", "grant_type=\"authorization_code\"")
            > Value(before, "stepupidp_tokens_issued_total", "grant_type=\"authorization_code\""));
        Assert.True(Value(after, "stepupidp_redis_duration_seconds_count") > 0);
        Assert.True(Value(after, "stepupidp_database_duration_seconds_count") > 0);
        Assert.Contains("# TYPE stepupidp_redis_duration_seconds histogram", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_can_be_turned_off()
    {
        await using var quiet = new IdpHost(settings: new Dictionary<string, string?> { ["Telemetry:Metrics"] = "false" });
        using var http = new HttpClient { BaseAddress = quiet.Address };

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_on_a_port_of_their_own_are_not_served_on_the_main_port()
    {
        await using var idp = new IdpHost(settings: new Dictionary<string, string?> { ["Telemetry:MetricsPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture) });
        using var http = new HttpClient { BaseAddress = idp.Address };

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_on_a_port_of_their_own_are_served_on_that_port()
    {
        var port = LoopbackPorts.Free();
        await using var idp = new IdpHost(port: port, settings: new Dictionary<string, string?> { ["Telemetry:MetricsPort"] = port.ToString(CultureInfo.InvariantCulture) });
        using var http = new HttpClient { BaseAddress = idp.Address };

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _http!.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's series whose labels include <paramref name="label"/> (all series when null); 0 when absent.</summary>
    private static double Value(string scrape, string metric, string? label = null) =>
        Sample().Matches(scrape)
            .Where(m => m.Groups["name"].Value == metric && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
