using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Deckard.DistributedTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Browser;

/// <summary>
/// The whole topology with the web app's dev server, as a person runs it (the stand-ins in place of OpenAI and RunPod),
/// and Playwright driving the OS's Chromium. Renders run at a twentieth of StableAvatar's time, so a lip-sync takes
/// seconds and its progress bar is seen moving.
/// </summary>
public sealed class BrowserFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>Uploads longer than this are refused: a test holds the button longer to see the refusal.</summary>
    public static readonly TimeSpan MaxAudioDuration = TimeSpan.FromSeconds(6);

    public TestLogs Logs { get; } = new(diagnostics);

    public DeckardTestApp Topology { get; private set; } = null!;

    public OpenAIMockAdmin OpenAI { get; private set; } = null!;

    public SessionsClient Sessions { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    /// <summary>The web app's address, as the AppHost publishes it (the api allows this origin).</summary>
    public Uri WebApp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Topology = await DeckardTestApp.StartAsync(
            Logs,
            new Dictionary<string, string>
            {
                [DeckardTestApp.WebAppSetting] = "true",
                ["RunPodMock:CostModel:TimeScale"] = "0.05",
            },
            builder => builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(project => project.Name == "api"))
                .WithEnvironment("Uploads__MaxAudioDuration", MaxAudioDuration.ToString("c", CultureInfo.InvariantCulture)));
        OpenAI = new OpenAIMockAdmin(Topology.CreateHttpClient("openai-mock"));
        Sessions = new SessionsClient(Topology.CreateHttpClient("api"));
        WebApp = Topology.GetEndpoint("web");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        Playwright?.Dispose();
        if (Topology is not null)
        {
            await Topology.DisposeAsync();
        }
    }
}
