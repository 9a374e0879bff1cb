using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Browser;

/// <summary>
/// The web app in a real browser against the real topology: a spoken prompt recorded through Chromium's microphone
/// for each one-shot intent, a refused upload, and a reload in the middle of a session. Each final state is saved as a
/// screenshot (desktop and phone) under DECKARD_TEST_ARTIFACTS/web.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppFlowTests(BrowserFixture fixture, ITestOutputHelper output) : WebAppTest(fixture, output)
{
    [Fact]
    public async Task A_spoken_portrait_request_shows_its_events_as_they_arrive_and_ends_showing_the_portrait()
    {
        const string Said = "Please create a portrait of me as a watercolor painting.";
        // The stand-in cannot hear: it is told what the recording says, and each model call takes 300 ms, as a model's would.
        await Fixture.OpenAI.ScriptAsync("transcriptions", new { transcript = Said });
        await Fixture.OpenAI.SetLatencyAsync(300);
        await using var web = await WebAppPage.OpenAsync(Fixture, Said);

        await web.HoldToTalkAsync(TimeSpan.FromSeconds(3));
        await web.WaitForStatusAsync("completed");

        await Assertions.Expect(web.Page.GetByTestId("transcript")).ToHaveTextAsync(Said);
        await Assertions.Expect(web.Page.GetByTestId("intent")).ToContainTextAsync("avatar");
        var portrait = web.Page.GetByTestId("portrait");
        await Assertions.Expect(portrait).ToBeVisibleAsync();
        Assert.True(await portrait.EvaluateAsync<bool>("async (image) => { await image.decode(); return image.naturalWidth >= 256; }"));
        var types = await web.TimelineTypesAsync();
        Assert.Equal("session.created", types[0]);
        Assert.Equal("session.completed", types[^1]);
        TimelineAssert.InOrder(types, "transcript.ready", "intent.classified", "artifact.created", "session.completed");
        await AssertEventsArrivedOneByOneAsync(web);
        await AssertRecordedSpeechAsync(web.SessionId());
        await web.ScreenshotAsync("avatar");
        Assert.Empty(web.UnexpectedErrors());
    }

    [Fact]
    public async Task A_spoken_question_ends_with_the_answer_its_citations_and_playable_speech_and_video_after_a_moving_progress_bar()
    {
        const string Said = "What is the tallest mountain in the world?";
        await Fixture.OpenAI.ScriptAsync("transcriptions", new { transcript = Said });
        await using var web = await WebAppPage.OpenAsync(Fixture, Said);
        await Assertions.Expect(web.Page.GetByTestId("lipsync")).ToBeCheckedAsync();

        await web.HoldToTalkAsync(TimeSpan.FromSeconds(3));
        await web.WaitForStatusAsync("completed");

        await Assertions.Expect(web.Page.GetByTestId("transcript")).ToHaveTextAsync(Said);
        await Assertions.Expect(web.Page.GetByTestId("intent")).ToContainTextAsync("search");
        await Assertions.Expect(web.Page.GetByTestId("answer")).Not.ToBeEmptyAsync();
        var citations = web.Page.GetByTestId("citation");
        Assert.True(await citations.CountAsync() > 0);
        Assert.All(await citations.EvaluateAllAsync<string[]>("links => links.map(link => link.href)"), href => Assert.StartsWith("http", href, StringComparison.Ordinal));
        var speech = await web.PlayAsync(web.Page.GetByTestId("speech-audio"));
        var video = await web.PlayAsync(web.Page.GetByTestId("video"));
        Assert.InRange(video, speech - 0.5, speech + 0.5);
        Assert.True(await web.Page.GetByTestId("video").EvaluateAsync<int>("video => video.videoWidth") > 0);

        // The lip-sync bar followed lipsync.progress's ETA: it showed at least two different percentages below 100.
        var percents = (await web.SnapshotsAsync()).Select(snapshot => snapshot.Percent)
            .Where(percent => percent.Length > 0).Select(percent => double.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.True(percents.Count(percent => percent < 100) >= 2, $"percents seen: {string.Join(", ", percents)}");
        TimelineAssert.InOrder(await web.TimelineTypesAsync(), "answer.ready", "lipsync.progress", "session.completed");
        await web.ScreenshotAsync("search");
        Assert.Empty(web.UnexpectedErrors());
    }

    [Fact]
    public async Task An_upload_deckard_refuses_shows_its_reason()
    {
        const string Said = "Let me tell you a long story about my holidays by the sea.";
        await using var web = await WebAppPage.OpenAsync(Fixture, Said);

        // Longer than the topology's limit: the api refuses it before storing anything.
        await web.HoldToTalkAsync(BrowserFixture.MaxAudioDuration + TimeSpan.FromSeconds(2));
        await web.WaitForStatusAsync("failed");

        var error = web.Page.GetByTestId("error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("(audio-too-long)");
        await Assertions.Expect(error).ToContainTextAsync("6 s");
        Assert.Empty(await web.TimelineTypesAsync());
        await web.ScreenshotAsync("refused-upload");
        // The browser itself reports the refused request on its console; nothing else may go wrong.
        Assert.Empty(web.UnexpectedErrors(error => error.Contains("400", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_session_survives_a_page_reload_and_its_timeline_resumes_to_the_end()
    {
        await using var web = await WebAppPage.OpenAsync(Fixture, "Who wrote the novel Don Quixote?");
        await web.Page.GetByTestId("intent-select").SelectOptionAsync("search");
        await web.Page.GetByTestId("prompt-input").FillAsync("Who wrote the novel Don Quixote?");
        await web.Page.GetByTestId("send").ClickAsync();
        // Reload while the lip-sync renders: the answer is in, the video is not.
        await Assertions.Expect(web.Page.Locator("[data-testid=timeline-item][data-type='lipsync.progress']").First).ToBeAttachedAsync();
        var id = web.SessionId();
        var before = await web.TimelineTypesAsync();
        Assert.DoesNotContain("session.completed", before);

        await web.Page.ReloadAsync();

        Assert.Equal(id, web.SessionId());
        await web.WaitForStatusAsync("completed");
        var ids = await web.Page.GetByTestId("timeline-item").EvaluateAllAsync<string[]>("items => items.map(item => item.dataset.eventId)");
        Assert.Equal(ids.Distinct().Count(), ids.Length);
        var stored = await Fixture.Sessions.EventsAsJsonAsync(id);
        Assert.Equal(stored.Select(sent => sent.Type), await web.TimelineTypesAsync());
        await web.PlayAsync(web.Page.GetByTestId("video"));
        // The reloaded page picked the session up where the store has it, then followed it live.
        var snapshots = await web.SnapshotsAsync();
        Assert.Contains(snapshots, snapshot => snapshot.Status == "waiting" && !snapshot.Types.Contains("session.completed") && snapshot.Types.Count >= before.Count);
        await web.ScreenshotAsync("reloaded");
        Assert.Empty(web.UnexpectedErrors());
    }


    /// <summary>The page showed the session running with part of its timeline: the events came as they happened, not at the end.</summary>
    private static async Task AssertEventsArrivedOneByOneAsync(WebAppPage web)
    {
        var running = (await web.SnapshotsAsync()).Where(snapshot => snapshot.Status == "waiting" && snapshot.Types.Count > 0 && !snapshot.Types.Contains("session.completed")).ToList();
        Assert.True(running.Select(snapshot => snapshot.Types.Count).Distinct().Count() >= 3, $"the running timeline grew in {running.Count} steps");
    }

    /// <summary>The stored upload is what Chromium's microphone heard: a WebM recording with speech in it, not silence.</summary>
    private async Task AssertRecordedSpeechAsync(Guid id)
    {
        var session = await Fixture.Sessions.GetAsync(id);
        Assert.Equal("voice", session.GetProperty("kind").GetString());
        var upload = session.GetProperty("artifacts").EnumerateArray().Single(artifact => artifact.GetProperty("contentType").GetString()!.StartsWith("audio/webm", StringComparison.Ordinal));
        var folder = Directory.CreateTempSubdirectory("deckard-recording-").FullName;
        var recording = Path.Combine(folder, "recording.webm");
        var samples = Path.Combine(folder, "recording.pcm");
        await File.WriteAllBytesAsync(recording, await Fixture.Sessions.Http.GetByteArrayAsync(new Uri(upload.GetProperty("url").GetString()!, UriKind.Relative)));
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-i", recording, "-ac", "1", "-ar", "16000", "-f", "s16le", samples);
        var pcm = await File.ReadAllBytesAsync(samples);
        var rms = Math.Sqrt(Enumerable.Range(0, pcm.Length / 2).Select(index => Math.Pow(BitConverter.ToInt16(pcm, index * 2) / 32768.0, 2)).Average());
        var decibels = 20 * Math.Log10(rms);
        Output.WriteLine($"recorded {pcm.Length / 32000.0:0.0} s at {decibels:0.0} dBFS RMS");
        Assert.InRange(pcm.Length / 32000.0, 2, 4);
        Assert.True(decibels > -40, $"the recording is silent ({decibels:0.0} dBFS)");
        Directory.Delete(folder, recursive: true);
    }
}
