using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Failures;

/// <summary>Every failure the reference lists for a pod behind RunPod's proxy (§3.1, §4.3), injected through the admin API.</summary>
public sealed class FailureInjectionTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task An_injected_full_queue_answers_503_with_gradios_detail_on_call_and_on_join()
    {
        await Admin.ArmAsync(new { kind = "queue_full", count = 2 });
        var data = await Api.InputsAsync();

        using var call = await Api.PostCallAsync(new JsonObject { ["data"] = data.DeepClone() });
        using var join = await Api.JoinAsync(GradioApi.NewSessionHash(), data);
        using var after = await Api.PostCallAsync(new JsonObject { ["data"] = data.DeepClone() });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        Assert.Equal("Queue is full. Max size is 0 and size is 0.", (string?)(await call.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, join.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_queue_max_size_refuses_joins_beyond_it_while_a_job_runs()
    {
        await Admin.SettingsAsync(new { time_scale = 10, queue_max_size = 1 });
        var data = await Api.InputsAsync();
        var running = await Api.CallAsync(data);
        await Admin.WaitForJobAsync(running, job => (string?)job["state"] == "running");
        await Api.CallAsync(data);

        using var refused = await Api.PostCallAsync(new JsonObject { ["data"] = data });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("Queue is full. Max size is 1 and size is 1.", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
    }

    [Fact]
    public async Task A_booting_pod_answers_502_on_every_gradio_route_then_200_once_it_listens()
    {
        await Admin.ArmAsync(new { kind = "pod_booting", seconds = 0.6 });

        using var booting = await Api.Http.GetAsync("config");
        using var uploadWhileBooting = await Api.Http.PostAsync("gradio_api/upload", new MultipartFormDataContent());
        using var admin = await Api.Http.GetAsync("admin/state");
        var statuses = new List<HttpStatusCode> { booting.StatusCode };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        HttpStatusCode status;
        do
        {
            await Task.Delay(50, deadline.Token);
            using var poll = await Api.Http.GetAsync("config", deadline.Token);
            status = poll.StatusCode;
            statuses.Add(status);
        }
        while (status == HttpStatusCode.BadGateway);

        Assert.Equal(HttpStatusCode.BadGateway, booting.StatusCode);
        Assert.Equal("text/html", booting.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadGateway, uploadWhileBooting.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(statuses.Take(statuses.Count - 1), code => Assert.Equal(HttpStatusCode.BadGateway, code));
    }

    [Fact]
    public async Task A_crash_reaches_call_as_error_with_null_data_and_the_queue_as_error_null_titled_Error()
    {
        await Admin.ArmAsync(new { kind = "run_crash", count = 2 });
        var data = await Api.InputsAsync();

        var frames = await Api.CallAndReadAsync(data);
        var session = GradioApi.NewSessionHash();
        await Api.JoinForEventAsync(session, data);
        await using var stream = await Api.QueueDataAsync(session);
        var (completed, _) = await stream.ReadUntilAsync(frame => frame.Msg == "process_completed");

        var error = Assert.Single(frames, frame => frame.Event != "heartbeat");
        Assert.Equal("error", error.Event);
        Assert.Equal("null", error.Data);
        Assert.False((bool)completed!.Json!["success"]!);
        Assert.Equal("Error", (string?)completed.Json!["title"]);
        Assert.Equal("{\"error\":null}", completed.Json!["output"]!.ToJsonString());
    }

    [Fact]
    public async Task With_show_error_a_crash_shows_its_text_on_the_queue_protocol()
    {
        await Admin.SettingsAsync(new { show_error = true });
        await Admin.ArmAsync(new { kind = "run_crash", count = 1 });
        var session = GradioApi.NewSessionHash();
        await Api.JoinForEventAsync(session, await Api.InputsAsync());

        await using var stream = await Api.QueueDataAsync(session);
        var (completed, _) = await stream.ReadUntilAsync(frame => frame.Msg == "process_completed");

        Assert.StartsWith("torch.OutOfMemoryError: CUDA out of memory.", (string?)completed!.Json!["output"]!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gr_error_is_visible_on_the_queue_protocol_and_null_on_a_5x_call()
    {
        await Admin.ArmAsync(new { kind = "run_error", message = "The face could not be found.", count = 2 });
        var data = await Api.InputsAsync();

        var session = GradioApi.NewSessionHash();
        await Api.JoinForEventAsync(session, data);
        await using var stream = await Api.QueueDataAsync(session);
        var (completed, _) = await stream.ReadUntilAsync(frame => frame.Msg == "process_completed");
        var frames = await Api.CallAndReadAsync(data);

        Assert.Equal("{\"error\":\"The face could not be found.\",\"duration\":10,\"visible\":true,\"title\":\"Error\"}", completed!.Json!["output"]!.ToJsonString());
        Assert.Equal("null", frames.Single(frame => frame.Event == "error").Data);
    }

    [Fact]
    public async Task On_6x_a_failed_call_carries_the_error_object()
    {
        await Admin.SettingsAsync(new { gradio_version = 6 });
        await Admin.ArmAsync(new { kind = "run_error", message = "The face could not be found.", count = 1 });
        await Admin.ArmAsync(new { kind = "run_crash", count = 1 });
        var data = await Api.InputsAsync();

        var crash = (await Api.CallAndReadAsync(data)).Single(frame => frame.Event == "error");
        var error = (await Api.CallAndReadAsync(data)).Single(frame => frame.Event == "error");

        Assert.Null(crash.Json!["error"]);
        Assert.Equal("The face could not be found.", (string?)error.Json!["error"]);
        Assert.Equal(10, (int)error.Json!["duration"]!);
        Assert.True((bool)error.Json!["visible"]!);
        Assert.Equal("Error", (string?)error.Json!["title"]);
    }

    [Fact]
    public async Task A_dropped_stream_ends_without_a_result_and_the_job_is_lost()
    {
        await Admin.ArmAsync(new { kind = "stream_drop", count = 1 });
        var data = await Api.InputsAsync();
        var eventId = await Api.CallAsync(data);

        await using var stream = await Api.CallStreamAsync(eventId);
        var frames = await stream.ReadToEndAsync();
        var job = await Admin.WaitForJobAsync(eventId, job => job["finished_at"] is not null);

        Assert.True(stream.Broken);
        Assert.DoesNotContain(frames, frame => frame.Event is "complete" or "error");
        Assert.Equal("lost", (string?)job["state"]);
        Assert.False((bool)job["delivered"]!);
    }

    [Fact]
    public async Task After_a_dropped_stream_reading_the_event_again_gives_error_404_then_a_cut()
    {
        await Admin.ArmAsync(new { kind = "stream_drop", count = 1 });
        var eventId = await Api.CallAsync(await Api.InputsAsync());
        await using (var dropped = await Api.CallStreamAsync(eventId))
        {
            await dropped.ReadToEndAsync();
        }

        await using var again = await Api.CallStreamAsync(eventId);
        var frames = await again.ReadToEndAsync();

        Assert.Equal(("error", "\"404: Not Found\""), (frames.Single().Event, frames.Single().Data));
        Assert.True(again.Broken);
    }

    [Fact]
    public async Task A_dropped_queue_data_stream_loses_the_sessions_job()
    {
        await Admin.ArmAsync(new { kind = "stream_drop", count = 1 });
        var session = GradioApi.NewSessionHash();
        var eventId = await Api.JoinForEventAsync(session, await Api.InputsAsync());

        await using var stream = await Api.QueueDataAsync(session);
        var frames = await stream.ReadToEndAsync();

        Assert.True(stream.Broken);
        Assert.DoesNotContain(frames, frame => frame.Msg is "process_completed" or "close_stream");
        Assert.Equal("lost", (string?)(await Admin.WaitForJobAsync(eventId, job => job["finished_at"] is not null))["state"]);
    }

    [Fact]
    public async Task When_heartbeats_stop_the_stream_stays_open_and_silent()
    {
        await Admin.ArmAsync(new { kind = "heartbeat_stop", count = 1 });
        var eventId = await Api.CallAsync(await Api.InputsAsync());
        await Admin.WaitForJobAsync(eventId, job => job["render"] is not null || job["finished_at"] is not null);

        await using var stream = await Api.CallStreamAsync(eventId);
        var silentFor = TimeSpan.FromSeconds(RunPodMockServer.HeartbeatSeconds * 8);
        var silence = await Record.ExceptionAsync(() => stream.NextAsync(silentFor));
        var job = await Admin.WaitForJobAsync(eventId, job => job["finished_at"] is not null);

        Assert.IsType<TimeoutException>(silence);
        Assert.False(stream.Ended);
        Assert.False((bool)job["delivered"]!);
    }

    [Fact]
    public async Task A_synchronous_run_longer_than_the_proxy_timeout_gets_524_and_its_result_is_lost()
    {
        await Admin.SettingsAsync(new { time_scale = 1 });
        var data = await Api.InputsAsync();

        using var response = await Api.Http.PostAsync("gradio_api/run/generate", GradioApi.Json(new JsonObject { ["data"] = data }));
        var job = (JsonObject)(await Admin.JobsAsync()).Single()!;

        Assert.Equal(524, (int)response.StatusCode);
        Assert.Contains("524", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("run", (string?)job["route"]);
        Assert.Equal("lost", (string?)job["state"]);
    }

    [Fact]
    public async Task An_injected_proxy_timeout_holds_the_matching_request_then_answers_524()
    {
        await Admin.ArmAsync(new { kind = "proxy_timeout", match = "/upload", count = 1 });

        using var config = await Api.Http.GetAsync("config");
        using var upload = await Api.Http.PostAsync("gradio_api/upload",
            new MultipartFormDataContent { { new ByteArrayContent(Server.Media.Speech), "files", "speech.wav" } });
        var requests = await Admin.RequestsAsync("/upload");

        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        Assert.Equal(524, (int)upload.StatusCode);
        Assert.True((double)requests.Single()!["elapsed_ms"]! >= RunPodMockServer.ProxyTimeoutSeconds * 1000 * 0.9);
    }

    [Fact]
    public async Task A_server_restart_tells_open_streams_loses_every_job_and_changes_the_app_id()
    {
        await Admin.SettingsAsync(new { time_scale = 10 });
        var appId = (await Api.Http.GetFromJsonAsync<JsonObject>("config"))!["app_id"]!.ToJsonString();
        var data = await Api.InputsAsync();
        var running = await Api.CallAsync(data);
        var queued = await Api.CallAsync(data);
        await Admin.WaitForJobAsync(running, job => (string?)job["state"] == "running");
        await using var stream = await Api.CallStreamAsync(running);
        await stream.NextAsync();

        await Admin.ArmAsync(new { kind = "server_restart" });
        var frames = await stream.ReadToEndAsync();
        var newAppId = (await Api.Http.GetFromJsonAsync<JsonObject>("config"))!["app_id"]!.ToJsonString();

        Assert.Equal(("error", "\"Server stopped unexpectedly.\""), (frames.Last().Event, frames.Last().Data));
        Assert.True(stream.Broken);
        Assert.Equal("lost", (string?)(await Admin.JobAsync(running))["state"]);
        Assert.Equal("lost", (string?)(await Admin.JobAsync(queued))["state"]);
        Assert.NotEqual(appId, newAppId);
    }

    [Fact]
    public async Task A_truncated_download_can_be_resumed_with_an_open_ended_range()
    {
        var frames = await Api.CallAndReadAsync(await Api.InputsAsync());
        var path = (string)GradioApi.VideoFile(frames.Single(frame => frame.Event == "complete").Json!)["path"]!;
        var whole = await Api.Http.GetByteArrayAsync("gradio_api/file=" + path);
        await Admin.ArmAsync(new { kind = "download_truncated", after_bytes = 1000, count = 1 });

        using var cut = await Api.Http.GetAsync("gradio_api/file=" + path, HttpCompletionOption.ResponseHeadersRead);
        var received = new MemoryStream();
        var failure = await Record.ExceptionAsync(async () => await (await cut.Content.ReadAsStreamAsync()).CopyToAsync(received));
        using var resume = new HttpRequestMessage(HttpMethod.Get, "gradio_api/file=" + path);
        resume.Headers.Range = new RangeHeaderValue(received.Length, null);
        using var rest = await Api.Http.SendAsync(resume);

        Assert.Equal(whole.Length, cut.Content.Headers.ContentLength);
        Assert.NotNull(failure);
        Assert.Equal(1000, received.Length);
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        byte[] joined = [.. received.ToArray(), .. await rest.Content.ReadAsByteArrayAsync()];
        Assert.Equal(whole, joined);
    }
}
