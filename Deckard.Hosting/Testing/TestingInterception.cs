using System.Reflection;
using Deckard.Hosting.Console;

namespace Deckard.Hosting.Testing;

/// <summary>
/// How the testing entry point reaches into an AppHost's unchanged <c>Program.cs</c>: while set, the builder takes the
/// test's configuration, hands the built application to the test, and <c>Run()</c> returns at once.
/// </summary>
internal sealed class TestingInterception
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static TestingInterception? Current { get; private set; }

    public required Assembly AppHostAssembly { get; init; }

    public required IDictionary<string, string?> Configuration { get; init; }

    public IResourceLogSink? LogSink { get; init; }

    public TaskCompletionSource<DeckardApplication> Built { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<IAsyncDisposable> InstallAsync(TestingInterception interception, CancellationToken cancellationToken)
    {
        await OneAtATime.WaitAsync(cancellationToken);
        Current = interception;
        return new Uninstall();
    }

    private sealed class Uninstall : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Current = null;
            OneAtATime.Release();
            return ValueTask.CompletedTask;
        }
    }
}
