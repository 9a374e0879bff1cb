using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// Each dashboard command on the stand-ins, run as the dashboard runs it (a resource command), and its effect on the
/// next session: the step retries and the session completes, or the session fails with a reason a person can read.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class StandInCommandTests : IAsyncLifetime
{
    private const string Question = "Who painted the Mona Lisa?";
    private readonly PipelineFixture _pipeline;
    private readonly HttpClient _runpod;

    public StandInCommandTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
        _runpod = pipeline.Topology.CreateHttpClient("runpod-mock");
    }

    public async Task InitializeAsync()
    {
        await ResetBothAsync();
        await Speech.Value;
        await TestPortrait.PngAsync();
    }

    public async Task DisposeAsync()
    {
        await ResetBothAsync();
        _runpod.Dispose();
    }

    [Fact]
    public async Task OpenAI_next_routing_429_makes_the_next_session_wait_out_retry_after_then_complete()
    {
        await _pipeline.Topology.ExecuteCommandAsync("openai-mock", "openai-next-routing-429");

        var events = await PromptSessionAsync();

        Assert.Equal("session.completed", events[^1].Type);
        var retrying = Assert.Single(events, e => e.Type == "step.retrying").Data;
        Assert.Contains("429", retrying.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(retrying.GetProperty("retryInMs").GetInt64() >= 2000, "the retry came sooner than Retry-After asked");
    }

    [Fact]
    public async Task OpenAI_next_transcription_500_makes_the_transcribe_step_retry_then_complete()
    {
        await _pipeline.Topology.ExecuteCommandAsync("openai-mock", "openai-next-transcription-500");

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithAudioAsync(await TestAudio.SpeechWavAsync(Question), "question.wav"));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        Assert.Equal("session.completed", events[^1].Type);
        var retrying = Assert.Single(events, e => e.Type == "step.retrying").Data;
        Assert.Equal("transcribe", retrying.GetProperty("step").GetString());
        Assert.Contains("500", retrying.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAI_routing_outage_fails_the_next_session_with_a_readable_reason()
    {
        await _pipeline.Topology.ExecuteCommandAsync("openai-mock", "openai-routing-outage");

        var events = await PromptSessionAsync();

        Assert.Equal("session.failed", events[^1].Type);
        var reason = events[^1].Data.GetProperty("reason").GetString()!;
        Assert.Contains("OpenAI answered HTTP 500", reason, StringComparison.Ordinal);
        Assert.Contains($"gave up after {PipelineFixture.MaxAttempts} attempts", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAI_slow_makes_the_routing_call_take_three_seconds_longer()
    {
        await _pipeline.Topology.ExecuteCommandAsync("openai-mock", "openai-slow");

        var stopwatch = Stopwatch.StartNew();
        var events = await PromptSessionAsync();

        Assert.Equal("session.completed", events[^1].Type);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(3), $"the session took only {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task OpenAI_reset_clears_an_outage_so_the_next_session_completes_at_once()
    {
        await _pipeline.Topology.ExecuteCommandAsync("openai-mock", "openai-routing-outage");
        await _pipeline.Topology.ExecuteCommandAsync("openai-mock", "openai-reset");

        var events = await PromptSessionAsync();

        Assert.Equal("session.completed", events[^1].Type);
        Assert.DoesNotContain(events, e => e.Type == "step.retrying");
    }

    [Fact]
    public async Task RunPod_next_join_503_is_retried_and_the_session_completes_with_its_video()
    {
        await _pipeline.Topology.ExecuteCommandAsync("runpod-mock", "runpod-next-join-503");

        var events = await LipsyncSessionAsync();

        Assert.Equal("session.completed", events[^1].Type);
        var submissions = (await RunPodRequestsAsync("/call/generate")).Where(request => request.GetProperty("method").GetString() == "POST");
        Assert.Equal([503, 200], submissions.Select(request => request.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task RunPod_next_stream_drop_loses_the_job_which_is_submitted_again_and_completes()
    {
        await _pipeline.Topology.ExecuteCommandAsync("runpod-mock", "runpod-next-stream-drops");

        var events = await LipsyncSessionAsync();

        Assert.Equal("session.completed", events[^1].Type);
        Assert.Contains(events, e => e.Type == "lipsync.progress" && e.Data.GetProperty("submission").GetInt32() == 2);
    }

    [Fact]
    public async Task RunPod_next_job_crash_fails_the_session_with_a_readable_reason()
    {
        await _pipeline.Topology.ExecuteCommandAsync("runpod-mock", "runpod-next-job-crashes");

        var events = await LipsyncSessionAsync();

        Assert.Equal("session.failed", events[^1].Type);
        Assert.Contains("StableAvatar raised an error while rendering", events[^1].Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPod_pod_booting_answers_502_until_the_client_gives_up_and_the_session_fails_saying_so()
    {
        // The tests' client retries for about two seconds; a person's default settings ride out the ten-second boot.
        await _pipeline.Topology.ExecuteCommandAsync("runpod-mock", "runpod-pod-boots");

        var events = await LipsyncSessionAsync();

        Assert.Equal("session.failed", events[^1].Type);
        Assert.Contains("502", events[^1].Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(await RunPodRequestsAsync("/config"), request => request.GetProperty("status").GetInt32() == 502);
    }

    [Fact]
    public async Task RunPod_reset_clears_an_armed_crash_so_the_next_session_completes()
    {
        await _pipeline.Topology.ExecuteCommandAsync("runpod-mock", "runpod-next-job-crashes");
        await _pipeline.Topology.ExecuteCommandAsync("runpod-mock", "runpod-reset");

        var events = await LipsyncSessionAsync();

        Assert.Equal("session.completed", events[^1].Type);
    }

    private async Task<List<ServerSentEvent>> PromptSessionAsync()
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
        return await _pipeline.Sessions.WaitForEndAsync(id);
    }

    private async Task<List<ServerSentEvent>> LipsyncSessionAsync()
    {
        var speech = await Speech.Value;
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateLipsyncAsync(await TestPortrait.PngAsync(), speech));
        return await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(2));
    }

    /// <summary>Made once, before any command arms a fault with a deadline (the pod boots for only ten seconds).</summary>
    private static readonly Lazy<Task<byte[]>> Speech = new(() => TestAudio.SpeechWavAsync("Hello there. I am your avatar, and I move my lips."));

    private async Task<List<JsonElement>> RunPodRequestsAsync(string path) =>
        [.. (await _runpod.GetFromJsonAsync<JsonElement>(new Uri($"/admin/requests?path={Uri.EscapeDataString(path)}", UriKind.Relative))).EnumerateArray()];

    private async Task ResetBothAsync()
    {
        await _pipeline.OpenAI.ResetAsync();
        (await _runpod.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();
    }
}
