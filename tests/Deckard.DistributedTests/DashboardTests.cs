using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deckard.DistributedTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// What a person sees in the Aspire dashboard after one voice session, checked in a real browser (the OS's Chromium,
/// driven by Playwright): every resource running and healthy, the api's console, the session's trace with spans from
/// the api and the workers, and Deckard's metrics. Screenshots of each page are kept as test artifacts.
/// </summary>
public sealed partial class DashboardTests(ITestOutputHelper output)
{
    private static readonly TimeSpan TelemetryDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_a_voice_session_the_dashboard_shows_healthy_resources_the_api_console_its_trace_and_deckards_metrics()
    {
        var logs = new TestLogs(null);
        logs.Attach(output);
        var apiKey = Guid.NewGuid().ToString("N");
        await using var topology = await DeckardTestApp.StartAsync(
            logs, new Dictionary<string, string> { ["AppHost:DashboardApiKey"] = apiKey }, dashboard: true);
        var login = new Uri(LoginUrl().Match(string.Join('\n', logs.OfAppHost())).Groups["url"].Value);
        var dashboard = new Uri(login.GetLeftPart(UriPartial.Authority));
        var artifacts = TestArtifacts.Folder("dashboard");

        // One voice session, start to end, as a front end makes it.
        var sessions = new SessionsClient(topology.CreateHttpClient("api"));
        var id = await sessions.CreatedIdAsync(await sessions.CreateWithAudioAsync(await TestAudio.SpeechWavAsync("What is the tallest mountain in the world?"), "question.wav"));
        Assert.Equal("session.completed", (await sessions.WaitForEndAsync(id))[^1].Type);
        var session = await sessions.GetAsync(id);
        var traceId = session.GetProperty("traceId").GetString()!;
        var traceLink = session.GetProperty("links").GetProperty("trace").GetString()!;
        Assert.Equal(new Uri(dashboard, $"/traces/detail/{traceId}"), new Uri(traceLink));
        var (spans, traceJson) = await WaitForTraceFromAsync(dashboard, apiKey, traceId, "api", "workers");
        // The search flow's model calls hang under the same trace, with the GenAI span names.
        foreach (var span in SearchFlowSpans)
        {
            Assert.Contains(span, spans);
        }

        // Spans name sessions, steps, models and token counts, never what was said or answered.
        var transcript = session.GetProperty("transcript").GetString()!;
        var answer = session.GetProperty("results").GetProperty("answer").GetProperty("text").GetString()!;
        Assert.DoesNotContain(transcript, traceJson, StringComparison.Ordinal);
        Assert.DoesNotContain(answer[..Math.Min(40, answer.Length)], traceJson, StringComparison.Ordinal);
        Assert.Contains(id.ToString(), traceJson, StringComparison.Ordinal);

        var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(30_000);

        // The login URL the AppHost printed sets the auth cookie and lands on the resources page.
        await page.GotoAsync(login.ToString());
        // One row per resource and replica, each in the state column as Running.
        var running = page.GetByRole(AriaRole.Gridcell).Filter(new LocatorFilterOptions { HasTextRegex = RunningState() });
        await Assertions.Expect(running).ToHaveCountAsync(10);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "resources.png"), FullPage = true });
        foreach (var resource in new[] { "api", "postgres", "deckard", "redis", "openai-mock", "runpod-mock" })
        {
            await Assertions.Expect(page.GetByText(resource, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        }

        // Replicas show one row each, named after their instance.
        await Assertions.Expect(page.GetByText(WorkersReplica())).ToHaveCountAsync(2);

        var resourcesText = await page.InnerTextAsync("body");
        Assert.DoesNotContain("Unhealthy", resourcesText, StringComparison.Ordinal);
        Assert.DoesNotContain("Finished", resourcesText, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to start", resourcesText, StringComparison.Ordinal);
        // Everything is plain HTTP: no banner about a missing development certificate.
        Assert.DoesNotContain("development certificate", resourcesText, StringComparison.OrdinalIgnoreCase);

        await page.GotoAsync(new Uri(dashboard, "/consolelogs/resource/api").ToString());
        await Assertions.Expect(page.GetByText("Now listening on").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "api-console.png") });

        await page.GotoAsync(traceLink);
        await Assertions.Expect(page.GetByText("POST /api/sessions").First).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1000);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "trace.png"), FullPage = true });
        // The request, its publish and both steps' processing (messaging spans), the model calls and the stand-in's side.
        foreach (var span in new[] { "MSG redis deckard:steps", "transcription gpt-4o-mini-transcribe", "chat gpt-5-mini", "POST /v1/responses" })
        {
            await Assertions.Expect(page.GetByText(span, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByText("api", new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(WorkersReplica()).First).ToBeVisibleAsync();

        await page.GotoAsync(new Uri(dashboard, "/metrics/resource/workers?meter=Deckard&instrument=deckard.step.duration").ToString());
        await Assertions.Expect(page.GetByText("deckard.step.duration").First).ToBeVisibleAsync();
        foreach (var instrument in new[] { "deckard.sessions.ended", "deckard.stream.length", "deckard.stream.pending", "gen_ai.client.token.usage" })
        {
            await Assertions.Expect(page.GetByText(instrument, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        }

        await page.WaitForTimeoutAsync(2000); // the chart draws after the page
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "metrics.png"), FullPage = true });
        output.WriteLine($"Screenshots in {artifacts}");
    }

    /// <summary>
    /// The dashboard's telemetry API: the trace's span names, once spans from every named service have arrived and the
    /// session's last step (speech) has reported.
    /// </summary>
    private static readonly string[] SearchFlowSpans = ["chat gpt-5-mini", "chat gpt-5", "generate_content gpt-4o-mini-tts", "POST /v1/audio/speech"];

    private static async Task<(HashSet<string> Spans, string Json)> WaitForTraceFromAsync(Uri dashboard, string apiKey, string traceId, params string[] services)
    {
        using var http = new HttpClient { BaseAddress = dashboard };
        http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        using var deadline = new CancellationTokenSource(TelemetryDeadline);
        var seen = new HashSet<string>();
        var spans = new HashSet<string>();
        var json = "";
        // Spans arrive in export batches: wait for every one the test reads, not only the services.
        while (!services.All(seen.Contains) || !SearchFlowSpans.All(spans.Contains))
        {
            await Task.Delay(500, deadline.Token);
            using var response = await http.GetAsync(new Uri($"/api/telemetry/traces/{traceId}", UriKind.Relative), deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }

            json = await response.Content.ReadAsStringAsync(deadline.Token);
            using var document = JsonDocument.Parse(json);
            var trace = document.RootElement;
            foreach (var resourceSpans in trace.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
            {
                foreach (var attribute in resourceSpans.GetProperty("resource").GetProperty("attributes").EnumerateArray())
                {
                    if (attribute.GetProperty("key").GetString() == "service.name")
                    {
                        seen.Add(attribute.GetProperty("value").GetProperty("stringValue").GetString()!);
                    }
                }

                foreach (var scope in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
                {
                    foreach (var span in scope.GetProperty("spans").EnumerateArray())
                    {
                        spans.Add(span.GetProperty("name").GetString()!);
                    }
                }
            }
        }

        return (spans, json);
    }

    [GeneratedRegex(@"^\s*Running\s*$")]
    private static partial Regex RunningState();

    [GeneratedRegex("^workers-[a-z0-9]{8}$")]
    private static partial Regex WorkersReplica();

    [GeneratedRegex(@"Login to the dashboard at (?<url>http\S+)")]
    private static partial Regex LoginUrl();
}
