using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Microsoft.Playwright;

namespace Deckard.DistributedTests.Browser;

/// <summary>
/// The web app in its own Chromium, whose fake microphone plays a WAV that espeak-ng spoke: the page records it as it
/// would a person. Watches what the page shows (a snapshot of the status and the timeline at every change), the
/// browser's console errors, and saves screenshots of the final state at a desktop and a phone size.
/// </summary>
public sealed class WebAppPage : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>Records, in the page, the status and the timeline's event types each time either changes.</summary>
    private const string SnapshotRecorder = """
        window.__deckardSnapshots = [];
        document.addEventListener("DOMContentLoaded", () => {
          const record = () => {
            const status = document.querySelector("[data-testid=status]")?.dataset.status ?? "";
            const types = [...document.querySelectorAll("[data-testid=timeline-item]")].map((item) => item.dataset.type);
            const progress = document.querySelector("[data-testid=progress]");
            const percent = progress && !progress.hidden ? progress.dataset.percent ?? "" : "";
            const last = window.__deckardSnapshots.at(-1);
            if (!last || last.status !== status || last.percent !== percent || last.types.join() !== types.join()) {
              window.__deckardSnapshots.push({ status, percent, types });
            }
          };
          new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status", "data-percent", "hidden"] });
          record();
        });
        """;

    private readonly IBrowser _browser;
    private readonly List<string> _errors = [];

    private WebAppPage(IBrowser browser, IPage page, Uri address)
    {
        _browser = browser;
        Page = page;
        Address = address;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add(error);
            }
        };
    }

    public IPage Page { get; }

    public Uri Address { get; }

    /// <summary>Starts a Chromium whose microphone says <paramref name="spokenText"/> over and over, and opens the app.</summary>
    public static async Task<WebAppPage> OpenAsync(BrowserFixture fixture, string spokenText) =>
        await OpenAsync(fixture, await TestAudio.SpeechWavAsync(spokenText));

    /// <summary>Starts a Chromium whose microphone plays <paramref name="microphoneWav"/> in a loop, and opens the app.</summary>
    public static async Task<WebAppPage> OpenAsync(BrowserFixture fixture, byte[] microphoneWav)
    {
        var microphone = Path.Combine(Directory.CreateTempSubdirectory("deckard-microphone-").FullName, "speech.wav");
        await File.WriteAllBytesAsync(microphone, microphoneWav);
        var browser = await fixture.Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // A microphone without a person: Chromium's fake capture device, fed from the WAV, granted without a prompt.
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", $"--use-file-for-fake-audio-capture={microphone}",
                "--autoplay-policy=no-user-gesture-required",
            ],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Desktop, Permissions = ["microphone"] });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        await page.AddInitScriptAsync(SnapshotRecorder);
        var webPage = new WebAppPage(browser, page, fixture.WebApp);
        await page.GotoAsync(fixture.WebApp.ToString());
        await Assertions.Expect(page.GetByTestId("status")).ToHaveAttributeAsync("data-status", "idle");
        return webPage;
    }

    /// <summary>Holds the talk button for <paramref name="duration"/>, as a person holds it while speaking, and lets go.</summary>
    public async Task HoldToTalkAsync(TimeSpan duration)
    {
        await Page.GetByTestId("record").HoverAsync();
        await Page.Mouse.DownAsync();
        await Assertions.Expect(Page.GetByTestId("status")).ToHaveAttributeAsync("data-status", "recording");
        await Task.Delay(duration);
        await Page.Mouse.UpAsync();
    }

    public Task WaitForStatusAsync(string status) =>
        Assertions.Expect(Page.GetByTestId("status")).ToHaveAttributeAsync("data-status", status);

    /// <summary>The session the page follows, from its address (<c>#session=</c>).</summary>
    public Guid SessionId()
    {
        var fragment = new Uri(Page.Url).Fragment;
        const string Prefix = "#session=";
        Assert.StartsWith(Prefix, fragment, StringComparison.Ordinal);
        return Guid.Parse(fragment[Prefix.Length..].Split('&')[0]);
    }

    public async Task<IReadOnlyList<string>> TimelineTypesAsync() =>
        await Page.GetByTestId("timeline-item").EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.type)");

    /// <summary>Every distinct (status, lip-sync percent, timeline) the page showed since it loaded.</summary>
    public async Task<IReadOnlyList<PageSnapshot>> SnapshotsAsync()
    {
        var snapshots = await Page.EvaluateAsync<JsonElement>("() => window.__deckardSnapshots");
        return [.. snapshots.EnumerateArray().Select(snapshot => new PageSnapshot(
            snapshot.GetProperty("status").GetString()!,
            snapshot.GetProperty("percent").GetString()!,
            [.. snapshot.GetProperty("types").EnumerateArray().Select(type => type.GetString()!)]))];
    }

    /// <summary>
    /// Plays a media element the page shows: its duration must be known and positive, and its clock must move.
    /// Returns the duration in seconds.
    /// </summary>
    public async Task<double> PlayAsync(ILocator media)
    {
        await Assertions.Expect(media).ToBeVisibleAsync();
        var duration = await media.EvaluateAsync<double>("""
            async (element) => {
              if (!(element.readyState >= 1)) await new Promise((resolve, reject) => {
                element.addEventListener("loadedmetadata", resolve, { once: true });
                element.addEventListener("error", () => reject(new Error("media error " + element.error?.code)), { once: true });
                element.load();
              });
              return element.duration;
            }
            """);
        Assert.True(double.IsFinite(duration) && duration > 0, $"duration {duration}");
        var played = await media.EvaluateAsync<double>("""
            async (element) => {
              element.muted = true;
              await element.play();
              const started = performance.now();
              while (element.currentTime === 0 && performance.now() - started < 10000) await new Promise((resolve) => setTimeout(resolve, 50));
              element.pause();
              return element.currentTime;
            }
            """);
        Assert.True(played > 0, "playback did not start");
        return duration;
    }

    /// <summary>Saves the page as it is now, at a desktop and at a phone size, and checks the phone layout has no sideways scroll.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = TestArtifacts.Folder("web");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
        await Page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-phone.png"), FullPage = true });
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the phone layout scrolls sideways by {overflow} px");
        await Page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
    }

    /// <summary>Console errors and uncaught exceptions, apart from the ones <paramref name="expected"/> allows.</summary>
    public IReadOnlyList<string> UnexpectedErrors(Func<string, bool>? expected = null)
    {
        lock (_errors)
        {
            return [.. _errors.Where(error => !(expected?.Invoke(error) ?? false))];
        }
    }

    public async ValueTask DisposeAsync() => await _browser.DisposeAsync();
}

/// <summary>What the page showed at one moment: its status, the lip-sync bar's percent (empty when hidden or unknown), the timeline.</summary>
public sealed record PageSnapshot(string Status, string Percent, IReadOnlyList<string> Types);
