using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Scheduling;

/// <summary>StableAvatar's queue runs one job at a time, oldest first (reference §2.1, §4.2).</summary>
public sealed class SchedulingTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task Two_jobs_joined_together_run_one_at_a_time_in_the_order_they_joined()
    {
        // The first render is held for about 3 s of simulated time, so the second joins while it runs.
        await Admin.SettingsAsync(new { time_scale = 0.5 });
        var session = GradioApi.NewSessionHash();
        var data = await Api.InputsAsync();
        var first = await Api.JoinForEventAsync(session, data);
        await using var stream = await Api.QueueDataAsync(session);
        var (started, _) = await stream.ReadUntilAsync(frame => frame.Msg == "process_starts");

        await Admin.SettingsAsync(new { time_scale = 0.001 });
        var second = await Api.JoinForEventAsync(session, data);
        var rest = (await stream.ReadToEndAsync()).Where(frame => frame.Msg != "heartbeat").ToList();

        Assert.Equal(first, (string?)started!.Json!["event_id"]);
        Assert.Equal(
            [("estimation", second), ("process_completed", first), ("process_starts", second), ("process_completed", second), ("close_stream", null)],
            rest.Select(frame => (frame.Msg!, (string?)frame.Json!["event_id"])));
        var estimation = rest[0].Json!;
        Assert.Equal(0, (int)estimation["rank"]!);
        Assert.Equal(1, (int)estimation["queue_size"]!);
        Assert.All(rest.Where(frame => frame.Msg == "process_completed"), frame => Assert.True((bool)frame.Json!["success"]!));
    }

    [Fact]
    public async Task Concurrent_calls_start_in_submission_order_and_never_overlap()
    {
        await Admin.SettingsAsync(new { time_scale = 0.05 });
        var data = await Api.InputsAsync();
        var ids = new List<string>();
        for (var index = 0; index < 3; index++)
        {
            ids.Add(await Api.CallAsync(data));
        }

        var readers = ids.Select(async id =>
        {
            await using var stream = await Api.CallStreamAsync(id);
            return await stream.ReadToEndAsync();
        }).ToList();
        var results = await Task.WhenAll(readers);
        var jobs = new List<JsonObject>();
        foreach (var id in ids)
        {
            jobs.Add(await Admin.JobAsync(id));
        }

        Assert.All(results, frames => Assert.Contains(frames, frame => frame.Event == "complete"));
        Assert.All(jobs, job => Assert.Equal("completed", (string?)job["state"]));
        for (var index = 1; index < jobs.Count; index++)
        {
            var previousFinished = (DateTimeOffset)jobs[index - 1]["finished_at"]!;
            var started = (DateTimeOffset)jobs[index]["started_at"]!;
            Assert.True(started >= previousFinished, $"job {index} started at {started:O}, before job {index - 1} finished at {previousFinished:O}");
        }
    }

    [Fact]
    public async Task Closing_the_result_stream_of_a_queued_job_takes_it_out_of_the_queue()
    {
        await Admin.SettingsAsync(new { time_scale = 10 });
        var data = await Api.InputsAsync();
        var running = await Api.CallAsync(data);
        await Admin.WaitForJobAsync(running, job => (string?)job["state"] == "running");
        var queued = await Api.CallAsync(data);

        await using (var stream = await Api.CallStreamAsync(queued))
        {
            await stream.NextAsync();
        }

        var job = await Admin.WaitForJobAsync(queued, job => (string?)job["state"] != "queued");
        var state = await Admin.StateAsync();
        Assert.Equal("lost", (string?)job["state"]);
        Assert.Null(job["started_at"]);
        Assert.Empty((JsonArray)state["waiting"]!);
        Assert.Equal(running, (string?)state["running"]);
    }
}
