using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Calls;

/// <summary>The simple call (reference §1.5, §2.3, §4.2): <c>POST /call/generate</c> then the SSE result stream.</summary>
public sealed class CallTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task A_call_streams_complete_with_the_video_file_object_the_seed_and_the_status_then_closes()
    {
        var data = await Api.InputsAsync();

        using var posted = await Api.PostCallAsync(new JsonObject { ["data"] = data });
        var eventId = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["event_id"]!;
        await using var stream = await Api.CallStreamAsync(eventId);
        var frames = await stream.ReadToEndAsync();

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", eventId);
        Assert.StartsWith("text/event-stream", stream.ContentType, StringComparison.Ordinal);
        Assert.False(stream.Broken);
        var complete = Assert.Single(frames, frame => frame.Event != "heartbeat");
        Assert.Equal("complete", complete.Event);
        var result = (JsonArray)complete.Json!;
        Assert.Equal(3, result.Count);

        var wrapper = (JsonObject)result[0]!;
        Assert.Equal(["video", "subtitles"], wrapper.Select(property => property.Key));
        Assert.Null(wrapper["subtitles"]);
        var video = (JsonObject)wrapper["video"]!;
        Assert.Equal(["path", "url", "size", "orig_name", "mime_type", "is_stream", "meta"], video.Select(property => property.Key));
        var path = (string)video["path"]!;
        Assert.Matches("/[0-9a-f]{64}/[0-9]{8}_[0-9]{6}_audio\\.mp4$", path);
        Assert.Equal($"{Server.BaseUri}gradio_api/file={path}", (string?)video["url"]);
        Assert.Equal(Path.GetFileName(path), (string?)video["orig_name"]);
        Assert.Null(video["size"]);
        Assert.Null(video["mime_type"]);
        Assert.False((bool)video["is_stream"]!);
        Assert.Equal("gradio.FileData", (string?)video["meta"]!["_type"]);

        Assert.Equal("42", (string?)result[1]);
        Assert.Matches("^Generated outputs/[0-9]{8}_[0-9]{6}\\.mp4 / 已生成outputs/[0-9]{8}_[0-9]{6}\\.mp4$", (string?)result[2]);
    }

    [Fact]
    public async Task The_complete_data_line_is_python_json_dumps_output()
    {
        var data = await Api.InputsAsync();

        var frames = await Api.CallAndReadAsync(data);
        var complete = frames.Single(frame => frame.Event == "complete");

        Assert.StartsWith("[{\"video\": {\"path\": \"", complete.Data, StringComparison.Ordinal);
        Assert.Contains("\"subtitles\": null}, \"42\", \"Generated outputs/", complete.Data, StringComparison.Ordinal);
        Assert.Contains("\\u5df2\\u751f\\u6210outputs/", complete.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("已", complete.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_random_seed_comes_back_as_a_string_of_digits()
    {
        var data = await Api.InputsAsync(change: inputs => GradioApi.Set(inputs, "seed_param", -1));

        var frames = await Api.CallAndReadAsync(data);
        var seed = (string)frames.Single(frame => frame.Event == "complete").Json![1]!;

        Assert.Matches("^[0-9]+$", seed);
    }

    [Fact]
    public async Task The_6x_flavor_returns_the_video_as_a_plain_FileData()
    {
        await Admin.SettingsAsync(new { gradio_version = 6 });
        var data = await Api.InputsAsync();

        var frames = await Api.CallAndReadAsync(data);
        var first = (JsonObject)frames.Single(frame => frame.Event == "complete").Json![0]!;

        Assert.False(first.ContainsKey("video"));
        Assert.EndsWith("_audio.mp4", (string?)first["path"], StringComparison.Ordinal);
        Assert.Equal("gradio.FileData", (string?)first["meta"]!["_type"]);
        Assert.StartsWith($"{Server.BaseUri}gradio_api/file=", (string?)first["url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_4x_layout_serves_upload_call_and_file_at_the_root()
    {
        await Admin.SettingsAsync(new { gradio_version = 4 });
        var data = await Api.InputsAsync(prefix: "");

        var frames = await Api.CallAndReadAsync(data, prefix: "");
        var video = GradioApi.VideoFile(frames.Single(frame => frame.Event == "complete").Json!);
        var bytes = await Api.DownloadAsync(video, prefix: "");

        Assert.Equal($"{Server.BaseUri}file={(string?)video["path"]}", (string?)video["url"]);
        Assert.True(bytes.Length > 1000);
    }

    [Fact]
    public async Task The_output_url_follows_the_forwarded_host_and_proto_of_the_proxy()
    {
        var data = await Api.InputsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "gradio_api/call/generate")
        {
            Content = GradioApi.Json(new JsonObject { ["data"] = data }),
        };
        request.Headers.Add("X-Forwarded-Host", "abc123-7860.proxy.runpod.net");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var posted = await Api.Http.SendAsync(request);
        var eventId = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["event_id"]!;
        await using var stream = await Api.CallStreamAsync(eventId);
        var video = GradioApi.VideoFile((await stream.ReadToEndAsync()).Single(frame => frame.Event == "complete").Json!);

        Assert.StartsWith("https://abc123-7860.proxy.runpod.net/gradio_api/file=/", (string?)video["url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_is_read_once_and_a_second_read_gets_only_heartbeats()
    {
        var data = await Api.InputsAsync();
        var eventId = await Api.CallAsync(data);
        await using (var first = await Api.CallStreamAsync(eventId))
        {
            await first.ReadToEndAsync();
        }

        await using var second = await Api.CallStreamAsync(eventId);
        var frames = new List<SseFrame>();
        for (var index = 0; index < 3; index++)
        {
            frames.Add((await second.NextAsync())!);
        }

        Assert.All(frames, frame => Assert.Equal("heartbeat", frame.Event));
        Assert.All(frames, frame => Assert.Equal("null", frame.Data));
    }

    [Fact]
    public async Task Heartbeats_come_every_interval_while_the_job_runs()
    {
        // About 5.7 s of modelled cost at scale 0.3 keeps the job running for well over a second.
        await Admin.SettingsAsync(new { time_scale = 0.3 });
        var data = await Api.InputsAsync();
        var eventId = await Api.CallAsync(data);

        await using var stream = await Api.CallStreamAsync(eventId);
        var (complete, before) = await stream.ReadUntilAsync(frame => frame.Event == "complete");

        Assert.NotNull(complete);
        Assert.True(before.Count >= 2, $"expected heartbeats before the result, got {before.Count}");
        Assert.All(before, frame => Assert.Equal("heartbeat", frame.Event));
    }

    [Fact]
    public async Task A_call_that_sends_its_own_session_hash_cannot_be_read_back_by_its_event_id()
    {
        var data = await Api.InputsAsync();
        using var posted = await Api.PostCallAsync(new JsonObject { ["data"] = data, ["session_hash"] = "my-session" });
        var eventId = (string)(await posted.Content.ReadFromJsonAsync<JsonObject>())!["event_id"]!;

        await using var stream = await Api.CallStreamAsync(eventId);
        var frames = await stream.ReadToEndAsync();

        Assert.Equal("error", frames[0].Event);
        Assert.Equal("\"404: Not Found\"", frames[0].Data);
        Assert.True((bool)(await Admin.JobAsync(eventId))["client_sent_session_hash"]!);
    }

    [Fact]
    public async Task Reading_an_event_that_does_not_exist_gives_an_error_404_then_the_connection_drops()
    {
        await using var stream = await Api.CallStreamAsync("0123456789abcdef0123456789abcdef");
        var frames = await stream.ReadToEndAsync();

        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        var error = Assert.Single(frames);
        Assert.Equal("error", error.Event);
        Assert.Equal("404: Not Found", (string?)error.Json);
        Assert.True(stream.Broken);
    }

    [Fact]
    public async Task An_unknown_api_name_answers_500_with_a_plain_text_traceback()
    {
        using var response = await Api.Http.PostAsync("gradio_api/call/predict", GradioApi.Json(new JsonObject { ["data"] = new JsonArray() }));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("Traceback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_without_data_answers_422_with_the_missing_field()
    {
        using var response = await Api.PostCallAsync(new JsonObject { ["inputs"] = new JsonArray() });
        var detail = (JsonArray)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("missing", (string?)detail[0]!["type"]);
        Assert.Equal(["body", "data"], ((JsonArray)detail[0]!["loc"]!).Select(part => (string)part!));
        Assert.Empty(await Admin.JobsAsync());
    }

    [Fact]
    public async Task A_synchronous_run_within_the_proxy_timeout_answers_the_output_directly()
    {
        var data = await Api.InputsAsync();

        using var response = await Api.Http.PostAsync("gradio_api/run/generate", GradioApi.Json(new JsonObject { ["data"] = data }));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((bool)body["is_generating"]!);
        Assert.True((double)body["duration"]! > 0);
        Assert.EndsWith("_audio.mp4", (string?)GradioApi.VideoFile(body["data"]!)["path"], StringComparison.Ordinal);
        Assert.Equal("42", (string?)body["data"]![1]);
    }
}
