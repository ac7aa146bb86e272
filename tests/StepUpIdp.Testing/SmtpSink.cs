using System.Buffers;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerHost = SmtpServer.SmtpServer;

namespace StepUpIdp.Testing;

/// <summary>
/// A real SMTP listener on 127.0.0.1 with an ephemeral port, keeping every message it receives.
/// Point <c>Smtp:Host</c>/<c>Smtp:Port</c> at <see cref="Host"/>/<see cref="Port"/> with <c>Smtp:Security</c> = <c>None</c>.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<MimeMessage> _messages = [];
    private readonly List<(Func<MimeMessage, bool> Match, TaskCompletionSource<MimeMessage> Found)> _waiters = [];
    private readonly CancellationTokenSource _stopping = new();
    private SmtpServerHost? _server;
    private Task? _running;

    private SmtpSink()
    {
    }

    private int _disposed;

    public string Host => IPAddress.Loopback.ToString();

    public int Port { get; private set; }

    /// <summary>The messages received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public static async Task<SmtpSink> StartAsync()
    {
        var sink = new SmtpSink();
        try
        {
            await sink.ListenAsync();
            return sink;
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first message, received before or after the call, that <paramref name="match"/> accepts.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new TaskCompletionSource<MimeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var received = _messages.FirstOrDefault(match);
            if (received is not null)
            {
                return received;
            }

            _waiters.Add((match, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            string subjects;
            lock (_gate)
            {
                _waiters.RemoveAll(waiter => waiter.Found == found);
                subjects = _messages.Count == 0 ? "none" : string.Join("; ", _messages.Select(message => $"\"{message.Subject}\""));
            }

            throw new TimeoutException($"No matching email arrived at {Host}:{Port} within {timeout}. Received: {subjects}.");
        }
    }

    /// <summary>Stops the listener (a test may stop it early to simulate an SMTP outage); safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_server is not null && _running is not null)
        {
            _server.Shutdown();
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
                // Stopping is what we asked for.
            }
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync()
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp-sink.localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();

        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(new SinkStore(this));

        _server = new SmtpServerHost(options, services);
        _running = _server.StartAsync(_stopping.Token);

        // Either the endpoint reports its port, or the server fails to start and says why.
        var first = await Task.WhenAny(started.Task, _running).WaitAsync(StartTimeout);
        if (first != started.Task)
        {
            await _running;
            throw new InvalidOperationException("The SMTP sink stopped before it listened.");
        }

        Port = await started.Task;
    }

    private void Receive(MimeMessage message)
    {
        List<TaskCompletionSource<MimeMessage>> matched;
        lock (_gate)
        {
            _messages.Add(message);
            matched = [.. _waiters.Where(waiter => waiter.Match(message)).Select(waiter => waiter.Found)];
            _waiters.RemoveAll(waiter => matched.Contains(waiter.Found));
        }

        foreach (var found in matched)
        {
            found.TrySetResult(message);
        }
    }

    private sealed class SinkStore(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context,
            IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray(), writable: false);
            sink.Receive(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
