using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Browser;

/// <summary>
/// What every browser test shares: the topology with the web app, the resources' logs in the test's output, and an
/// OpenAI stand-in reset before each test (no script, latency or journal left by the one before). Derived classes
/// join <see cref="BrowserCollection"/> with its attribute (xunit does not inherit it).
/// </summary>
public abstract class WebAppTest : IAsyncLifetime
{
    protected WebAppTest(BrowserFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        Output = output;
        fixture.Logs.Attach(output);
    }

    protected BrowserFixture Fixture { get; }

    protected ITestOutputHelper Output { get; }

    public async Task InitializeAsync() => await Fixture.OpenAI.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
