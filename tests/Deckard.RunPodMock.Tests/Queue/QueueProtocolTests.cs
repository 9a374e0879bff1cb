using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Queue;

/// <summary>The queue protocol the official clients use (reference §1.7): <c>queue/join</c>, then <c>queue/data</c>.</summary>
public sealed class QueueProtocolTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task Join_then_data_streams_estimation_process_starts_process_completed_and_close_stream_in_order()
    {
        var session = GradioApi.NewSessionHash();
        var data = await Api.InputsAsync();

        var eventId = await Api.JoinForEventAsync(session, data);
        await using var stream = await Api.QueueDataAsync(session);
        var messages = (await stream.ReadToEndAsync()).Where(frame => frame.Msg != "heartbeat").ToList();

        Assert.All(messages, frame => Assert.Null(frame.Event));
        Assert.Equal(["estimation", "process_starts", "process_completed", "close_stream"], messages.Select(frame => frame.Msg));
        Assert.False(stream.Broken);

        var estimation = (JsonObject)messages[0].Json!;
        Assert.Equal(["msg", "event_id", "rank", "queue_size", "rank_eta"], estimation.Select(property => property.Key));
        Assert.Equal(eventId, (string?)estimation["event_id"]);
        Assert.Equal(0, (int)estimation["rank"]!);
        Assert.Equal(1, (int)estimation["queue_size"]!);

        var starts = (JsonObject)messages[1].Json!;
        Assert.Equal(["msg", "event_id", "eta"], starts.Select(property => property.Key));
        Assert.Equal(eventId, (string?)starts["event_id"]);

        var completed = (JsonObject)messages[2].Json!;
        Assert.Equal(["msg", "event_id", "output", "success", "title"], completed.Select(property => property.Key));
        Assert.True((bool)completed["success"]!);
        Assert.Null(completed["title"]);
        var output = (JsonObject)completed["output"]!;
        Assert.Equal(["data", "is_generating", "duration", "average_duration", "render_config", "changed_state_ids"], output.Select(property => property.Key));
        Assert.False((bool)output["is_generating"]!);
        Assert.True((double)output["duration"]! > 0);
        Assert.EndsWith("_audio.mp4", (string?)GradioApi.VideoFile(output["data"]!)["path"], StringComparison.Ordinal);
        Assert.Equal("42", (string?)output["data"]![1]);

        Assert.Equal("{\"msg\":\"close_stream\",\"event_id\":null}", messages[3].Data);
    }

    [Fact]
    public async Task Once_a_run_has_finished_the_next_estimation_and_start_carry_an_eta()
    {
        var session = GradioApi.NewSessionHash();
        var data = await Api.InputsAsync();
        await Api.CallAndReadAsync(data);

        await Api.JoinForEventAsync(session, data);
        await using var stream = await Api.QueueDataAsync(session);
        var messages = (await stream.ReadToEndAsync()).Where(frame => frame.Msg != "heartbeat").ToList();

        Assert.True((double)messages[0].Json!["rank_eta"]! > 0);
        Assert.True((double)messages[1].Json!["eta"]! > 0);
        Assert.True((double)messages[2].Json!["output"]!["average_duration"]! > 0);
    }

    [Fact]
    public async Task A_waiting_session_stream_sends_heartbeat_messages()
    {
        await Admin.SettingsAsync(new { time_scale = 0.5 });
        var session = GradioApi.NewSessionHash();
        await Api.JoinForEventAsync(session, await Api.InputsAsync());

        await using var stream = await Api.QueueDataAsync(session);
        var (heartbeat, _) = await stream.ReadUntilAsync(frame => frame.Msg == "heartbeat");

        Assert.Equal("{\"msg\":\"heartbeat\",\"event_id\":null}", heartbeat!.Data);
    }

    [Fact]
    public async Task Join_without_a_session_hash_answers_400()
    {
        using var response = await Api.Http.PostAsync("gradio_api/queue/join",
            GradioApi.Json(new JsonObject { ["data"] = new JsonArray(), ["fn_index"] = 1 }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Session hash not found.", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
    }

    [Fact]
    public async Task Join_with_an_fn_index_the_app_does_not_have_answers_500()
    {
        using var response = await Api.JoinAsync(GradioApi.NewSessionHash(), new JsonArray(), fnIndex: 99);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task Queue_data_without_a_session_hash_answers_422()
    {
        using var response = await Api.Http.GetAsync("gradio_api/queue/data");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task The_heartbeat_route_says_ALIVE_at_once_and_again_every_interval()
    {
        await using var stream = await SseReader.OpenAsync(Api.Http, "gradio_api/heartbeat/" + GradioApi.NewSessionHash());

        var first = await stream.NextAsync();
        var second = await stream.NextAsync();

        Assert.Equal("ALIVE", first!.Data);
        Assert.Equal("ALIVE", second!.Data);
    }

    [Fact]
    public async Task Queue_status_counts_the_jobs_waiting_behind_the_running_one()
    {
        await Admin.SettingsAsync(new { time_scale = 10 });
        var data = await Api.InputsAsync();
        var running = await Api.CallAsync(data);
        await Admin.WaitForJobAsync(running, job => (string?)job["state"] == "running");
        await Api.CallAsync(data);
        await Api.CallAsync(data);

        var status = (await Api.Http.GetFromJsonAsync<JsonObject>("gradio_api/queue/status"))!;

        Assert.Equal("estimation", (string?)status["msg"]);
        Assert.Equal(2, (int)status["queue_size"]!);
    }

    [Fact]
    public async Task Cancelling_a_queued_job_completes_it_empty_and_takes_it_out_of_the_queue()
    {
        await Admin.SettingsAsync(new { time_scale = 10 });
        var data = await Api.InputsAsync();
        var running = await Api.CallAsync(data);
        await Admin.WaitForJobAsync(running, job => (string?)job["state"] == "running");
        var session = GradioApi.NewSessionHash();
        var queued = await Api.JoinForEventAsync(session, data);
        await using var stream = await Api.QueueDataAsync(session);
        await stream.ReadUntilAsync(frame => frame.Msg == "estimation");

        using var cancel = await Api.Http.PostAsync("gradio_api/cancel",
            GradioApi.Json(new JsonObject { ["session_hash"] = session, ["fn_index"] = 1, ["event_id"] = queued }));
        var (completed, _) = await stream.ReadUntilAsync(frame => frame.Msg == "process_completed");
        var close = await stream.NextAsync();

        Assert.True((bool)(await cancel.Content.ReadFromJsonAsync<JsonObject>())!["success"]!);
        Assert.True((bool)completed!.Json!["success"]!);
        Assert.Empty((JsonObject)completed.Json!["output"]!);
        Assert.Equal("close_stream", close!.Msg);
        Assert.Equal("cancelled", (string?)(await Admin.JobAsync(queued))["state"]);
        Assert.Equal(0, (int)(await Api.Http.GetFromJsonAsync<JsonObject>("gradio_api/queue/status"))!["queue_size"]!);
    }

    [Fact]
    public async Task A_cancelled_call_shows_as_complete_with_null_data()
    {
        await Admin.SettingsAsync(new { time_scale = 10 });
        var data = await Api.InputsAsync();
        var eventId = await Api.CallAsync(data);
        await Admin.WaitForJobAsync(eventId, job => (string?)job["state"] == "running");
        await using var stream = await Api.CallStreamAsync(eventId);

        using var cancel = await Api.Http.PostAsync("gradio_api/cancel",
            GradioApi.Json(new JsonObject { ["session_hash"] = eventId, ["fn_index"] = 1, ["event_id"] = eventId }));
        var (complete, _) = await stream.ReadUntilAsync(frame => frame.Event == "complete");

        Assert.Equal("null", complete!.Data);
    }
}
