using Deckard.Hosting;
using Deckard.Hosting.Testing;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>The whole topology (the AppHost's unchanged Program.cs), started once per test class and stopped after it.</summary>
public sealed class TopologyFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public TestOutputLogSink Logs { get; } = new(diagnostics);

    public DeckardApplication App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await DeckardTestingBuilder.StartAsync<Program>(new DeckardTestingOptions { LogSink = Logs });

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
