using Deckard.Hosting.Console;

namespace Deckard.Hosting.Testing;

public sealed class DeckardTestingOptions
{
    /// <summary>Command-line arguments passed to the AppHost's entry point.</summary>
    public string[] Args { get; init; } = [];

    /// <summary>Configuration layered over the AppHost's (e.g. <c>ConnectionStrings:redis</c>, <c>Resources:workers:Replicas</c>).</summary>
    public Dictionary<string, string?> Configuration { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Receives every resource's console output, e.g. to forward it to the test output.</summary>
    public IResourceLogSink? LogSink { get; init; }

    /// <summary>How long the entry point may take to build the application.</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
