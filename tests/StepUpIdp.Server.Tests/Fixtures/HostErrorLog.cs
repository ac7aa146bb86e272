using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// With <c>STEPUPIDP_TEST_HOST_ERRORS</c> set to a folder, every test host appends its Error and Critical log entries,
/// exceptions included, to a file of its own there, headed by the test that started it. A host's own log is gone when
/// the run ends; this keeps what a failed request threw, so a failure that does not reproduce still names its cause.
/// <c>.ci/run</c> prints the folder of a run that failed (tests/README.md, "When a run fails").
/// </summary>
public sealed class HostErrorLog : ILoggerProvider
{
    public const string Variable = "STEPUPIDP_TEST_HOST_ERRORS";

    private readonly string _path;
    private readonly string _header;
    private readonly Lock _gate = new();
    private bool _headerWritten;

    private HostErrorLog(string folder)
    {
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, $"{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}"[..15] + ".log");
        _header = $"== host started by {StartingTest()}";
    }

    /// <summary>The provider for a host, or null when the variable is not set.</summary>
    public static HostErrorLog? FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } folder ? new HostErrorLog(folder) : null;

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName);

    public void Dispose()
    {
    }

    private void Append(string category, LogLevel level, string message, Exception? exception)
    {
        var entry = string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:HH:mm:ss.fff} {level} {category}: {message}{Environment.NewLine}{(exception is null ? "" : exception + Environment.NewLine)}");
        lock (_gate)
        {
            if (!_headerWritten)
            {
                File.AppendAllText(_path, _header + Environment.NewLine);
                _headerWritten = true;
            }

            File.AppendAllText(_path, entry);
        }
    }

    /// <summary>The test method (or fixture) on the stack that is creating the host: the first test-project frame outside the fixtures.</summary>
    private static string StartingTest()
    {
        var fixtures = typeof(HostErrorLog).Namespace!;
        foreach (var frame in new StackTrace().GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            // An async test method runs in a compiler-made state machine nested in the test class.
            var owner = type?.DeclaringType is { } outer && type.Name.Contains('<', StringComparison.Ordinal) ? outer : type;
            if (owner?.Namespace is { } ns && ns.StartsWith("StepUpIdp.Server.Tests", StringComparison.Ordinal) && ns != fixtures)
            {
                return $"{owner.FullName}.{(type == owner ? frame.GetMethod()!.Name : type!.Name)}";
            }
        }

        return "(no test on the stack)";
    }

    private sealed class Writer(HostErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Append(category, logLevel, formatter(state, exception), exception);
            }
        }
    }
}
