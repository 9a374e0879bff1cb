using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// Lip-sync sessions through the real topology: the Api takes a portrait and speech, a worker prepares them with
/// ffmpeg, StableAvatar (the RunPod stand-in) renders, and the MP4 comes back as the session's video artifact.
/// Every session ends completed with a playable video or failed with a reason, within the submission budget.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class LipsyncSessionTests : IAsyncLifetime
{
    private const int SubmissionBudget = 3;
    private readonly PipelineFixture _pipeline;
    private readonly HttpClient _runpod;
    private readonly string _folder = Directory.CreateTempSubdirectory("deckard-lipsync-test-").FullName;
    private byte[] _portrait = [];
    private byte[] _speech = [];
    private double _speechSeconds;

    public LipsyncSessionTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
        _runpod = pipeline.Topology.CreateHttpClient("runpod-mock");
    }

    public async Task InitializeAsync()
    {
        (await _runpod.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
        // A 640×480 photo-like portrait and about five seconds of real speech.
        _portrait = await TestPortrait.PngAsync();
        var speech = Path.Combine(_folder, "speech.wav");
        await ExternalTool.RunAsync("espeak-ng", "-w", speech, "Hello there. I am your avatar, and these words move my lips for about five seconds.");
        _speech = await File.ReadAllBytesAsync(speech);
        _speechSeconds = await DurationAsync(speech);
    }

    public async Task DisposeAsync()
    {
        (await _runpod.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
        _runpod.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_portrait_and_speech_become_an_h264_aac_video_as_long_as_the_speech_whose_frames_move()
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, _speech));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(2));

        Assert.Equal("session.completed", events[^1].Type);
        Assert.Equal("portrait-and-speech", events[0].Data.GetProperty("input").GetString());
        var stages = events.Where(e => e.Type == "lipsync.progress").Select(e => e.Data.GetProperty("stage").GetString()).Distinct().ToList();
        Assert.Equal(["uploading", "queued", "rendering", "downloading"], stages);
        var rendering = events.First(e => e.Type == "lipsync.progress" && e.Data.GetProperty("stage").GetString() == "rendering").Data;
        Assert.True(rendering.GetProperty("estimatedTotalMs").GetInt64() > 0, "rendering progress carries the cost model's estimate");
        Assert.True(rendering.TryGetProperty("etaMs", out var eta) && eta.ValueKind == JsonValueKind.Number);
        Assert.Single(events, e => e.Type == "artifact.created" && e.Data.GetProperty("kind").GetString() == "video");

        var session = await _pipeline.Sessions.GetAsync(id);
        var step = session.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "lipsync");
        Assert.Equal(1, step.GetProperty("attempts").GetInt32());
        Assert.Equal(_pipeline.Topology.GetEndpoint("runpod-mock").Authority, step.GetProperty("output").GetProperty("pod").GetString());
        var video = session.GetProperty("artifacts").EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "video");
        Assert.Equal("video/mp4", video.GetProperty("contentType").GetString());
        var path = Path.Combine(_folder, "lipsync.mp4");
        await File.WriteAllBytesAsync(path, await _pipeline.Sessions.Http.GetByteArrayAsync(new Uri(video.GetProperty("url").GetString()!, UriKind.RelativeOrAbsolute)));

        var probe = await ExternalTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height:format=duration", "-of", "json", path);
        using var document = JsonDocument.Parse(probe);
        var streams = document.RootElement.GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal(["aac", "h264"], streams.Select(s => s.GetProperty("codec_name").GetString()).Order());
        var videoStream = streams.Single(s => s.GetProperty("codec_name").GetString() == "h264");
        Assert.Equal(512, videoStream.GetProperty("width").GetInt32());
        Assert.Equal(512, videoStream.GetProperty("height").GetInt32());
        var duration = double.Parse(document.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(duration, _speechSeconds - 0.2, _speechSeconds + 0.2);

        // Frames that change over time: one frame each second, hashed; a still picture would give one hash.
        var hashes = await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-i", path, "-vf", "fps=1", "-f", "framemd5", "-");
        var distinct = hashes.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line.Split(',')[^1].Trim()).Distinct().Count();
        Assert.True(distinct >= 3, $"only {distinct} distinct frames in {duration:0.0} s of video");
    }

    public static TheoryData<string, int> PassingFaults => new()
    {
        // fault (as the stand-in's admin API arms it), jobs the pod sees
        // Shorter than the fixture's shortest retry window: five retries with jitter take at least 0.85 s.
        { """{"kind":"pod_booting","seconds":0.6}""", 1 },
        { """{"kind":"queue_full","count":2}""", 1 },
        { """{"kind":"download_truncated","count":1,"after_bytes":2000}""", 1 },
    };

    [Theory]
    [MemberData(nameof(PassingFaults))]
    public async Task A_passing_fault_is_ridden_out_and_the_session_completes_with_its_video(string fault, int jobs)
    {
        using (var content = new StringContent(fault, System.Text.Encoding.UTF8, "application/json"))
        {
            (await _runpod.PostAsync(new Uri("/admin/faults", UriKind.Relative), content)).EnsureSuccessStatusCode();
        }

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, _speech));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(2));

        Assert.Equal("session.completed", events[^1].Type);
        Assert.Equal(jobs, await JobCountAsync());
        Assert.Single(events, e => e.Type == "artifact.created" && e.Data.GetProperty("kind").GetString() == "video");
    }

    [Theory]
    [InlineData(5, "only in the pod's logs")]                // Gradio 5's /call hides a gr.Error's text
    [InlineData(6, "CUDA out of memory")]                    // Gradio 6 shows it
    public async Task A_render_stableavatar_refuses_fails_the_session_with_a_reason_and_is_not_submitted_again(int gradioVersion, string expected)
    {
        (await _runpod.PutAsJsonAsync(new Uri("/admin/settings", UriKind.Relative), new { gradio_version = gradioVersion })).EnsureSuccessStatusCode();
        await FaultAsync(new { kind = "run_error", count = 1, message = "CUDA out of memory. Tried to allocate 2.00 GiB" });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, _speech));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(2));

        Assert.Equal("session.failed", events[^1].Type);
        Assert.Contains(expected, events[^1].Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await JobCountAsync());
    }

    [Theory]
    [InlineData("stream_drop")]
    [InlineData("heartbeat_stop")]
    [InlineData("run_crash")]
    public async Task Renders_lost_every_time_fail_the_session_with_a_reason_after_the_submission_budget(string kind)
    {
        await FaultAsync(new { kind });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, _speech));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(2));

        Assert.Equal("session.failed", events[^1].Type);
        var reason = events[^1].Data.GetProperty("reason").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.DoesNotContain("Unexpected error", reason, StringComparison.Ordinal);
        Assert.InRange(await JobCountAsync(), 1, SubmissionBudget);
        Assert.Equal(0L, await _pipeline.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE session_id = @id AND kind = 'video'", ("id", id)));
    }

    [Fact]
    public async Task A_stream_dropped_once_is_submitted_again_and_the_session_completes()
    {
        await FaultAsync(new { kind = "stream_drop", count = 1 });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, _speech));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(2));

        Assert.Equal("session.completed", events[^1].Type);
        Assert.Equal(2, await JobCountAsync());
        Assert.Contains(events, e => e.Type == "lipsync.progress" && e.Data.GetProperty("submission").GetInt32() == 2);
    }

    [Fact]
    public async Task A_request_the_proxy_times_out_fails_the_session_with_the_524_explained()
    {
        (await _runpod.PutAsJsonAsync(new Uri("/admin/settings", UriKind.Relative), new { proxy_timeout_seconds = 0.3 })).EnsureSuccessStatusCode();
        await FaultAsync(new { kind = "proxy_timeout", count = 1 });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, _speech));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(1));

        Assert.Equal("session.failed", events[^1].Type);
        var reason = events[^1].Data.GetProperty("reason").GetString()!;
        Assert.Contains("524", reason, StringComparison.Ordinal);
        Assert.Contains("proxy gave up", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speech_too_short_to_animate_fails_the_session_with_the_minimum()
    {
        var blip = Path.Combine(_folder, "blip.wav");
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.4", blip);

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, await File.ReadAllBytesAsync(blip)));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(1));

        Assert.Equal("session.failed", events[^1].Type);
        Assert.Contains("at least 1.0 s", events[^1].Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await JobCountAsync());
    }

    [Fact]
    public async Task Lipsync_uploads_that_cannot_work_are_refused_before_anything_is_stored()
    {
        var before = await _pipeline.CountStoredAsync();

        await AssertRefusedAsync(await _pipeline.Sessions.CreateLipsyncAsync("not an image at all"u8.ToArray(), _speech), 415, "portrait-unsupported");
        await AssertRefusedAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, "not audio"u8.ToArray()), 415, "speech-unsupported");
        await AssertRefusedAsync(await _pipeline.Sessions.CreateLipsyncAsync(_portrait, _speech, """{"intent":"search"}"""), 400, "lipsync-options");
        using (var portraitOnly = new MultipartFormDataContent { { new ByteArrayContent(_portrait), "portrait", "portrait.png" } })
        {
            await AssertRefusedAsync(await _pipeline.Sessions.Http.PostAsync(new Uri("/api/sessions", UriKind.Relative), portraitOnly), 400, "lipsync-incomplete");
        }

        var tiny = Path.Combine(_folder, "tiny.png");
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=32x32", "-frames:v", "1", tiny);
        await AssertRefusedAsync(await _pipeline.Sessions.CreateLipsyncAsync(await File.ReadAllBytesAsync(tiny), _speech), 400, "portrait-too-small");

        Assert.Equal(before, await _pipeline.CountStoredAsync());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, int status, string code)
    {
        using (response)
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
    }

    private async Task FaultAsync(object fault) =>
        (await _runpod.PostAsJsonAsync(new Uri("/admin/faults", UriKind.Relative), fault)).EnsureSuccessStatusCode();

    private async Task<int> JobCountAsync() =>
        (await _runpod.GetFromJsonAsync<JsonElement>(new Uri("/admin/jobs", UriKind.Relative))).GetArrayLength();

    private static async Task<double> DurationAsync(string path) =>
        double.Parse((await ExternalTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path)).Trim(), CultureInfo.InvariantCulture);
}
