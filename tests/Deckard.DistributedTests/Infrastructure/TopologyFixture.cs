using Xunit.Abstractions;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>The whole topology (the AppHost's unchanged Program.cs), started once per test class and stopped after it.</summary>
public sealed class TopologyFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public TestLogs Logs { get; } = new(diagnostics);

    public DeckardTestApp Topology { get; private set; } = null!;

    public async Task InitializeAsync() => Topology = await DeckardTestApp.StartAsync(Logs);

    public async Task DisposeAsync()
    {
        if (Topology is not null)
        {
            await Topology.DisposeAsync();
        }
    }
}
