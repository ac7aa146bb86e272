using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StepUpIdp.Infrastructure.Tests.Email;

/// <summary>Keeps formatted log messages (with any exception text) so tests can check what is and is not logged.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
}
