using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>
/// Every log of the AppHost and every line of its resources' consoles: written to the running test's output, so a
/// failure shows why, and kept per resource for assertions.
/// </summary>
public sealed partial class TestLogs(IMessageSink? diagnostics) : ILoggerProvider
{
    private const string ResourcePrefix = ".Resources.";
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _byResource = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _appHost = new();
    private ITestOutputHelper? _output;

    public void Attach(ITestOutputHelper output) => _output = output;

    /// <summary>The console lines of a resource (all its replicas), as the dashboard shows them.</summary>
    public IReadOnlyList<string> Of(string resourceName) =>
        _byResource.TryGetValue(resourceName, out var lines) ? [.. lines] : [];

    /// <summary>The AppHost's own log lines (what its console shows a person), not its resources'.</summary>
    public IReadOnlyList<string> OfAppHost() => [.. _appHost];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>A line of a resource's console (stdout and stderr, and the AppHost's own lines about it).</summary>
    public void WriteResourceLine(string resourceName, string line, bool isError) =>
        Write($"{ResourcePrefix}{resourceName}", isError ? LogLevel.Error : LogLevel.Information, line);

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message)
    {
        // The AppHost's health probes fail, with a stack trace each, until a service listens: noise, not news.
        if (category.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal)
            || category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal))
        {
            return;
        }

        var resource = category.IndexOf(ResourcePrefix, StringComparison.Ordinal) is var at and >= 0 ? category[(at + ResourcePrefix.Length)..] : null;
        var text = AnsiEscape().Replace(message, "");
        if (resource is not null)
        {
            _byResource.GetOrAdd(resource, _ => new ConcurrentQueue<string>()).Enqueue(text);
        }
        else
        {
            _appHost.Enqueue(text);
        }

        var line = $"{DateTime.Now:HH:mm:ss.fff} {resource ?? category} {(level >= LogLevel.Warning ? level.ToString().ToLowerInvariant() + ": " : "")}| {text}";
        try
        {
            if (_output is { } output)
            {
                output.WriteLine(line);
                return;
            }
        }
        catch (InvalidOperationException)
        {
            // The test that attached has finished.
            _output = null;
        }

        diagnostics?.OnMessage(new DiagnosticMessage(line));
    }

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    private sealed class Logger(TestLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Write(category, logLevel, exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception}");
            }
        }
    }
}
