using System.Text.RegularExpressions;
using Deckard.Hosting.Console;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>
/// Forwards every resource's console output to the running test's output (or, between tests, to the diagnostic
/// messages), so a resource that will not come up shows why in the test report.
/// </summary>
public sealed partial class TestOutputLogSink(IMessageSink? diagnostics) : IResourceLogSink
{
    private ITestOutputHelper? _output;

    public void Attach(ITestOutputHelper output) => _output = output;

    public void Write(ResourceLogLine line)
    {
        var text = $"{line.Timestamp:HH:mm:ss.fff} {line.Replica} | {AnsiEscape().Replace(line.Text, "")}";
        try
        {
            if (_output is { } output)
            {
                output.WriteLine(text);
                return;
            }
        }
        catch (InvalidOperationException)
        {
            // The test that attached has finished.
            _output = null;
        }

        diagnostics?.OnMessage(new DiagnosticMessage(text));
    }

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
