using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Deckard.Core.StableAvatar;
using Deckard.DistributedTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>Deckard's StableAvatar client against the RunPod stand-in, in every failure mode it can inject.</summary>
[Collection(PipelineCollection.Name)]
public sealed class StableAvatarClientTests : IAsyncLifetime
{
    private readonly PipelineFixture _pipeline;
    private readonly HttpClient _admin;
    private readonly string _folder = Directory.CreateTempSubdirectory("deckard-render-").FullName;
    private string _portrait = "";
    private string _speech = "";

    public StableAvatarClientTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
        _admin = pipeline.Topology.CreateHttpClient("runpod-mock");
    }

    public async Task InitializeAsync()
    {
        (await _admin.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
        _portrait = Path.Combine(_folder, "portrait.png");
        _speech = Path.Combine(_folder, "speech.wav");
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=512x512", "-frames:v", "1", _portrait);
        var raw = Path.Combine(_folder, "raw.wav");
        await ExternalTool.RunAsync("espeak-ng", "-w", raw, "Hello, I am your avatar, and these words move my lips.");
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-i", raw, "-ar", "16000", "-ac", "1", "-af", "apad=whole_dur=4", _speech);
    }

    public async Task DisposeAsync()
    {
        (await _admin.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
        _admin.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_portrait_and_speech_become_an_h264_and_aac_video_as_long_as_the_speech()
    {
        var result = await Client().RenderAsync(Request(), progress: null, CancellationToken.None);

        Assert.Equal(1, result.Submissions);
        var probe = await ProbeAsync(result.VideoPath);
        Assert.Equal(["aac", "h264"], probe.Codecs.Order());
        Assert.InRange(probe.Duration, 3.8, 4.2);
        Assert.NotNull(result.Seed);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task The_gradio_4_layout_and_the_gradio_6_output_shape_render_too(int gradioVersion)
    {
        await SettingsAsync(new { gradio_version = gradioVersion });

        var result = await Client().RenderAsync(Request(), progress: null, CancellationToken.None);

        Assert.True(new FileInfo(result.VideoPath).Length > 1000);
    }

    [Fact]
    public async Task A_booting_pod_answering_502_is_waited_out()
    {
        await FaultAsync(new { kind = "pod_booting", seconds = 1.5 });

        var result = await Client().RenderAsync(Request(), progress: null, CancellationToken.None);

        Assert.Equal(1, result.Submissions);
    }

    [Fact]
    public async Task A_full_queue_answering_503_is_retried_until_the_job_is_accepted()
    {
        await FaultAsync(new { kind = "queue_full", count = 2 });

        var result = await Client().RenderAsync(Request(), progress: null, CancellationToken.None);

        Assert.Equal(1, result.Submissions);
        Assert.Equal(1, await JobCountAsync());
    }

    [Fact]
    public async Task A_crash_hidden_by_the_app_fails_at_once_with_a_reason_a_person_can_act_on()
    {
        await FaultAsync(new { kind = "run_crash", count = 1 });

        var error = await Assert.ThrowsAsync<StableAvatarException>(() => Client().RenderAsync(Request(), null, CancellationToken.None));

        Assert.False(error.IsTransient);
        Assert.Contains("only in the pod's logs", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await JobCountAsync());
    }

    [Fact]
    public async Task A_gr_error_message_reaches_the_person_when_the_app_shows_it()
    {
        await SettingsAsync(new { gradio_version = 6 });
        await FaultAsync(new { kind = "run_error", count = 1, message = "The audio is too short for one window." });

        var error = await Assert.ThrowsAsync<StableAvatarException>(() => Client().RenderAsync(Request(), null, CancellationToken.None));

        Assert.Contains("The audio is too short for one window.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_result_stream_loses_the_job_and_the_render_is_submitted_again()
    {
        await FaultAsync(new { kind = "stream_drop", count = 1 });

        var result = await Client().RenderAsync(Request(), progress: null, CancellationToken.None);

        Assert.Equal(2, result.Submissions);
        Assert.True(File.Exists(result.VideoPath));
    }

    [Fact]
    public async Task A_stream_that_stops_heartbeating_is_caught_by_the_idle_watchdog_and_submitted_again()
    {
        await FaultAsync(new { kind = "heartbeat_stop", count = 1 });

        var result = await Client(options => options.IdleTimeout = TimeSpan.FromSeconds(2.5)).RenderAsync(Request(), progress: null, CancellationToken.None);

        Assert.Equal(2, result.Submissions);
    }

    [Fact]
    public async Task Streams_that_keep_dropping_fail_the_render_within_the_submission_budget()
    {
        await FaultAsync(new { kind = "stream_drop" });

        var error = await Assert.ThrowsAsync<StableAvatarException>(() =>
            Client(options => options.SubmissionBudget = 3).RenderAsync(Request(), null, CancellationToken.None));

        Assert.True(error.IsTransient, error.Message);
        Assert.Contains("lost 3 times", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, await JobCountAsync());
    }

    [Fact]
    public async Task A_server_restart_mid_job_loses_it_and_the_render_is_submitted_again()
    {
        // A render of about three seconds, so the restart lands while it runs.
        await SettingsAsync(new { time_scale = 0.1 });
        var client = Client();
        var rendering = new TaskCompletionSource();
        var render = client.RenderAsync(Request(), new SynchronousProgress(update =>
        {
            if (update.Stage == "rendering")
            {
                rendering.TrySetResult();
            }
        }), CancellationToken.None);
        await rendering.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await FaultAsync(new { kind = "server_restart", seconds = 0.5 });
        await SettingsAsync(new { time_scale = 0.001 });
        var result = await render;

        Assert.Equal(2, result.Submissions);
        Assert.True(File.Exists(result.VideoPath));
    }

    [Fact]
    public async Task A_truncated_download_is_resumed_with_a_range_request()
    {
        await FaultAsync(new { kind = "download_truncated", count = 1, after_bytes = 2000 });

        var result = await Client(options => options.IdleTimeout = TimeSpan.FromSeconds(2)).RenderAsync(Request(), progress: null, CancellationToken.None);

        var probe = await ProbeAsync(result.VideoPath);
        Assert.InRange(probe.Duration, 3.8, 4.2);
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_renders_fail_without_calling_the_pod()
    {
        await FaultAsync(new { kind = "run_crash" });
        var gradio = Gradio();
        var client = Client(options => options.CircuitBreakerFailures = 2, gradio: gradio);
        await Assert.ThrowsAsync<StableAvatarException>(() => client.RenderAsync(Request(), null, CancellationToken.None));
        await Assert.ThrowsAsync<StableAvatarException>(() => client.RenderAsync(Request(), null, CancellationToken.None));
        var requestsBefore = gradio.RequestCount;

        var error = await Assert.ThrowsAsync<StableAvatarException>(() => client.RenderAsync(Request(), null, CancellationToken.None));

        Assert.Contains("will try it again after", error.Message, StringComparison.Ordinal);
        Assert.Equal(requestsBefore, gradio.RequestCount);
    }

    [Fact]
    public async Task Jobs_the_app_refuses_do_not_open_the_circuit_for_everyone_else()
    {
        await SettingsAsync(new { gradio_version = 6 });
        await FaultAsync(new { kind = "run_error", count = 3, message = "No face was found in the portrait." });
        var pool = Pool(options => options.CircuitBreakerFailures = 2);
        var client = Client(pool: pool);
        for (var refused = 0; refused < 3; refused++)
        {
            var error = await Assert.ThrowsAsync<StableAvatarException>(() => client.RenderAsync(Request(), null, CancellationToken.None));
            Assert.False(error.IsOutage);
        }

        var result = await client.RenderAsync(Request(), progress: null, CancellationToken.None);

        Assert.False(pool.Pods[0].Circuit.IsOpen);
        Assert.Equal(1, result.Submissions);
    }

    [Fact]
    public async Task Progress_goes_from_uploading_through_rendering_to_downloading()
    {
        var stages = new List<string>();
        var progress = new SynchronousProgress(update => stages.Add(update.Stage));

        await Client().RenderAsync(Request(), progress, CancellationToken.None);

        Assert.Equal(["uploading", "queued", "rendering", "downloading"], stages.Distinct());
    }

    [Fact]
    public async Task Renders_at_once_are_spread_over_the_pods_one_each_while_both_are_free()
    {
        await using var second = await StandInPod.StartAsync();
        using var secondAdmin = second.CreateAdminClient();
        var first = _pipeline.Topology.GetEndpoint("runpod-mock");
        void TwoPods(StableAvatarOptions options) => options.AdditionalUrls = [second.BaseUrl];
        var pool = Pool(TwoPods);
        var client = Client(TwoPods, pool: pool);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.RenderAsync(Request(), progress: null, CancellationToken.None)));

        Assert.Equal(2, results.Count(result => result.Pod == first));
        Assert.Equal(2, results.Count(result => result.Pod == second.BaseUrl));
        Assert.Equal(2, await JobCountAsync());
        Assert.Equal(2, (await secondAdmin.GetFromJsonAsync<JsonElement>(new Uri("/admin/jobs", UriKind.Relative))).GetArrayLength());
        Assert.All(pool.Pods, pod => Assert.Equal(0, pod.Renders));
    }

    [Fact]
    public async Task A_pod_that_is_down_is_passed_over_at_once_and_its_circuit_opens()
    {
        var down = StandInPod.Unreachable();
        void DownFirst(StableAvatarOptions options)
        {
            options.BaseUrl = down;
            options.AdditionalUrls = [_pipeline.Topology.GetEndpoint("runpod-mock")];
            options.CircuitBreakerFailures = 2;
            // Were the dead pod waited out like a lone one, each pass would take many seconds of backoff.
            options.RetryBaseDelay = TimeSpan.FromSeconds(10);
            options.RetryMaxDelay = TimeSpan.FromSeconds(30);
        }

        var pool = Pool(DownFirst);
        var client = Client(DownFirst, pool: pool);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        for (var render = 0; render < 4; render++)
        {
            var result = await client.RenderAsync(Request(), progress: null, CancellationToken.None);
            Assert.NotEqual(down, result.Pod);
        }

        Assert.True(pool.Pods.Single(pod => pod.BaseUrl == down).Circuit.IsOpen);
        Assert.False(pool.Pods.Single(pod => pod.BaseUrl != down).Circuit.IsOpen);
        Assert.Equal(4, await JobCountAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Four renders took {clock.Elapsed}: the dead pod was waited out.");
    }

    private RenderRequest Request() => new(_portrait, _speech, Path.Combine(_folder, $"{Guid.NewGuid():N}.mp4"));

    private GradioClient Gradio(Action<StableAvatarOptions>? configure = null) =>
        new(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, Options.Create(Settings(configure)), NullLogger<GradioClient>.Instance);

    private StableAvatarClient Client(Action<StableAvatarOptions>? configure = null, GradioClient? gradio = null, PodPool? pool = null) =>
        new(gradio ?? Gradio(configure), pool ?? Pool(configure),
            Options.Create(Settings(configure)), TimeProvider.System, NullLogger<StableAvatarClient>.Instance);

    private PodPool Pool(Action<StableAvatarOptions>? configure = null) => new(Options.Create(Settings(configure)), TimeProvider.System);

    private StableAvatarOptions Settings(Action<StableAvatarOptions>? configure)
    {
        var options = new StableAvatarOptions
        {
            BaseUrl = _pipeline.Topology.GetEndpoint("runpod-mock"),
            RetryBaseDelay = TimeSpan.FromMilliseconds(200),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            SafeRetries = 8,
            IdleTimeout = TimeSpan.FromSeconds(10),
            Parameters = { ["num_inference_steps"] = "10", ["seed_param"] = "42" },
        };
        configure?.Invoke(options);
        return options;
    }

    private async Task FaultAsync(object fault) =>
        (await _admin.PostAsJsonAsync(new Uri("/admin/faults", UriKind.Relative), fault)).EnsureSuccessStatusCode();

    private async Task SettingsAsync(object settings) =>
        (await _admin.PutAsJsonAsync(new Uri("/admin/settings", UriKind.Relative), settings)).EnsureSuccessStatusCode();

    private async Task<int> JobCountAsync() =>
        (await _admin.GetFromJsonAsync<JsonElement>(new Uri("/admin/jobs", UriKind.Relative))).GetArrayLength();

    private static async Task<(List<string> Codecs, double Duration)> ProbeAsync(string path)
    {
        var output = await ExternalTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration", "-of", "json", path);
        using var document = JsonDocument.Parse(output);
        var codecs = document.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()!).ToList();
        var duration = double.Parse(document.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
        return (codecs, duration);
    }

    private sealed class SynchronousProgress(Action<RenderProgress> report) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value) => report(value);
    }
}
