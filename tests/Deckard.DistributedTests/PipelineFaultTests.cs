using System.Net;
using Deckard.Core.Queue;
using Deckard.DistributedTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>Nothing accepted is lost: not when a worker dies mid-step, not when Redis is down, not when OpenAI fails.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PipelineFaultTests : IAsyncLifetime
{
    private const string Question = "Who painted the Mona Lisa?";
    private readonly PipelineFixture _pipeline;

    public PipelineFaultTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    public Task InitializeAsync() => _pipeline.OpenAI.ResetAsync();

    public Task DisposeAsync() => _pipeline.OpenAI.ResetAsync();

    [Fact]
    public async Task A_worker_killed_with_sigkill_mid_step_does_not_lose_the_session_nor_duplicate_its_effects()
    {
        // The first router call hangs long enough to kill its worker; the re-run after the restart answers at once.
        await _pipeline.OpenAI.ScriptAsync("responses", new { latency_ms = 30_000, function_call = new { name = "answer_with_web_search", arguments = new { query = Question } } });
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
        await _pipeline.Sessions.FollowEventsAsync(id, stopAfter: e => e.Type == "step.started");
        var holder = await PendingConsumerAsync(id);
        var victim = _pipeline.Topology.Instances("workers").Single(replica => replica.ResourceId == $"workers-{holder}");

        System.Diagnostics.Process.GetProcessById(DeckardTestApp.ServiceProcessId(victim)).Kill();
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromSeconds(90));

        Assert.Equal("session.completed", events[^1].Type);
        Assert.Single(events, e => e.Type == "intent.classified");
        Assert.Single(events, e => e.Type == "step.completed" && e.Data.GetProperty("step").GetString() == "classify");
        Assert.Single(events, e => e.Type == "step.started" && e.Data.GetProperty("step").GetString() == "classify");
        Assert.Equal(2, await _pipeline.ScalarAsync<int>("SELECT attempts FROM steps WHERE session_id = @id AND name = 'classify'", ("id", id)));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        await _pipeline.Topology.WaitForHealthyAsync("workers");
    }

    [Fact]
    public async Task A_duplicate_message_for_a_running_step_leaves_the_live_run_alone()
    {
        // The router takes three seconds, so the classify step is running when its message arrives a second time (as when
        // a relay publishes a row whose writer's sent mark came late).
        await _pipeline.OpenAI.ScriptAsync("responses", new { latency_ms = 3000, times = 1 });
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question, """{"lipsync":false}"""));
        await WaitUntilAsync(async () => await _pipeline.ScalarAsync<string>(
            "SELECT state FROM steps WHERE session_id = @id AND name = 'classify'", ("id", id)) == "running");
        var outboxId = await _pipeline.ScalarAsync<long>("SELECT id FROM outbox WHERE session_id = @id AND step = 'classify'", ("id", id));

        var database = _pipeline.Redis.GetDatabase();
        await database.StreamAddAsync("deckard:steps", new StepMessage(id, "classify", null, outboxId).ToEntries());
        await _pipeline.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal("deckard:steps:wake"), 1);
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal("session.completed", events[^1].Type);
        Assert.Equal(1, await _pipeline.ScalarAsync<int>("SELECT attempts FROM steps WHERE session_id = @id AND name = 'classify'", ("id", id)));
        Assert.Equal(1L, await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM events WHERE session_id = @id AND type = 'intent.classified'", ("id", id)));
        Assert.Single(events, e => e.Type == "step.started" && e.Data.GetProperty("step").GetString() == "classify");
    }

    [Fact]
    public async Task A_message_held_by_a_consumer_that_never_returns_is_reclaimed_after_the_visibility_timeout()
    {
        Guid id;
        RedisValue held = default;
        try
        {
            await _pipeline.Topology.StopResourceAsync("workers");
            id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
            // A consumer reads the message, then vanishes for good.
            var database = _pipeline.Redis.GetDatabase();
            await WaitUntilAsync(async () =>
            {
                var taken = await database.StreamReadGroupAsync("deckard:steps", "workers", "ghost", ">", 10);
                held = taken.FirstOrDefault(entry => entry.Values.Any(v => v.Name == "session" && v.Value == id.ToString("N"))).Id;
                return !held.IsNull;
            });
        }
        finally
        {
            await _pipeline.Topology.StartResourceAsync("workers");
        }

        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromSeconds(60));

        // Only the ghost ever had the message: the session completing means a worker took it over with XAUTOCLAIM.
        Assert.Equal("session.completed", events[^1].Type);
        var ghostPending = await _pipeline.Redis.GetDatabase().StreamPendingMessagesAsync("deckard:steps", "workers", 10, "ghost");
        Assert.DoesNotContain(ghostPending, message => message.MessageId == held);
        Assert.Contains(_pipeline.Logs.Of("workers"), line => line.Contains("Reclaimed", StringComparison.Ordinal));
        await _pipeline.Topology.WaitForHealthyAsync("workers");
    }

    [Fact]
    public async Task A_prompt_uploaded_while_redis_is_down_is_accepted_and_completes_once_redis_is_back()
    {
        Guid id;
        try
        {
            await _pipeline.Topology.StopResourceAsync("redis");
            using var response = await _pipeline.Sessions.CreateWithPromptAsync(Question);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            id = await _pipeline.Sessions.CreatedIdAsync(response);
            Assert.Equal(1L, await _pipeline.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE session_id = @id AND sent_at IS NULL", ("id", id)));
        }
        finally
        {
            await _pipeline.Topology.StartResourceAsync("redis");
        }

        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromSeconds(90));

        Assert.Equal("session.completed", events[^1].Type);
        Assert.Equal("search", events.Single(e => e.Type == "intent.classified").Data.GetProperty("intent").GetString());
        await _pipeline.Topology.WaitForHealthyAsync("api");
    }

    [Fact]
    public async Task Postgres_stopped_and_started_again_answers_503_meanwhile_and_keeps_every_session()
    {
        var earlier = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
        Assert.Equal("session.completed", (await _pipeline.Sessions.WaitForEndAsync(earlier))[^1].Type);
        try
        {
            await _pipeline.Topology.StopResourceAsync("postgres");
            using var refused = await _pipeline.Sessions.CreateWithPromptAsync(Question);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await _pipeline.Topology.StartResourceAsync("postgres");
            // The test's own pool is as stale as the services' were.
            _pipeline.Database.Clear();
        }

        // The resource's state says Running as soon as the process is back; the api's own health check says when
        // PostgreSQL answers again.
        await WaitUntilAsync(async () =>
        {
            using var health = await _pipeline.Sessions.Http.GetAsync(new Uri("/health", UriKind.Relative));
            return health.IsSuccessStatusCode;
        });
        var later = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));

        Assert.Equal("session.completed", (await _pipeline.Sessions.WaitForEndAsync(later, TimeSpan.FromSeconds(60)))[^1].Type);
        Assert.Equal("completed", (await _pipeline.Sessions.GetAsync(earlier)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_and_the_step_then_succeeds()
    {
        await _pipeline.OpenAI.ScriptAsync("responses", new { fail = new { status = 429, retry_after_seconds = 2 } });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        Assert.Equal("session.completed", events[^1].Type);
        var retrying = events.Single(e => e.Type == "step.retrying").Data;
        Assert.True(retrying.GetProperty("retryInMs").GetInt64() >= 2000, "the retry came sooner than Retry-After asked");
        Assert.Contains("429", retrying.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await _pipeline.OpenAI.RequestsAsync("responses")).Count);
    }

    [Fact]
    public async Task An_openai_that_always_answers_500_fails_the_session_with_a_readable_reason_after_the_configured_attempts()
    {
        await _pipeline.OpenAI.ScriptAsync("responses", new { fail = new { status = 500 }, times = 50 });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        Assert.Equal("session.failed", events[^1].Type);
        var reason = events[^1].Data.GetProperty("reason").GetString()!;
        Assert.Contains("OpenAI answered HTTP 500", reason, StringComparison.Ordinal);
        Assert.Contains($"gave up after {PipelineFixture.MaxAttempts} attempts", reason, StringComparison.Ordinal);
        Assert.Equal(PipelineFixture.MaxAttempts, (await _pipeline.OpenAI.RequestsAsync("responses")).Count);
        Assert.Equal(PipelineFixture.MaxAttempts - 1, events.Count(e => e.Type == "step.retrying"));
        var session = await _pipeline.Sessions.GetAsync(id);
        Assert.Equal("failed", session.GetProperty("status").GetString());
        Assert.Equal(reason, session.GetProperty("error").GetString());

        // Nothing left pending: no unsent outbox row, no unacknowledged message, and the dead letter kept.
        // A row is marked sent just after its XADD, so the last one's mark may trail the step it started by a moment.
        await WaitUntilAsync(async () => await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE session_id = @id AND sent_at IS NULL", ("id", id)) == 0);
        var database = _pipeline.Redis.GetDatabase();
        await WaitUntilAsync(async () => (await database.StreamPendingAsync("deckard:steps", "workers")).PendingMessageCount == 0);
        var dead = await database.StreamRangeAsync("deckard:steps:dead", "-", "+");
        Assert.Contains(dead, entry => entry.Values.Any(v => v.Name == "session" && v.Value == id.ToString("N")));
    }

    [Fact]
    public async Task Cancelling_a_running_session_ends_it_cancelled_and_discards_the_running_steps_result()
    {
        await _pipeline.OpenAI.ScriptAsync("responses", new { latency_ms = 1500 });
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
        await _pipeline.Sessions.FollowEventsAsync(id, stopAfter: e => e.Type == "step.started");

        await CancelWhileItsStepRunsAsync(id, "responses");
        var stored = await _pipeline.Sessions.EventsAsJsonAsync(id);
        Assert.DoesNotContain(stored, e => e.Type == "intent.classified");
        // The result, its events and the step's completion are one batch: none of it was stored.
        Assert.DoesNotContain(stored, e => e.Type == "step.completed");
        Assert.NotEqual("completed", await _pipeline.ScalarAsync<string>("SELECT state FROM steps WHERE session_id = @id AND name = 'classify'", ("id", id)));
        Assert.Equal("cancelled", (await _pipeline.Sessions.GetAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancelling_a_session_while_its_portrait_is_drawn_stores_no_portrait()
    {
        await _pipeline.OpenAI.ScriptAsync("images", new { latency_ms = 1500 });
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Paint a portrait of me", """{"intent":"avatar"}"""));
        await _pipeline.Sessions.FollowEventsAsync(id, stopAfter: e => e.Type == "step.started" && e.Data.GetProperty("step").GetString() == "portrait");

        await CancelWhileItsStepRunsAsync(id, "images");
        // The drawn portrait arrived after the cancel: the run was overtaken, and its artifact went with it.
        Assert.Equal(0L, await _pipeline.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE session_id = @id", ("id", id)));
        var stored = await _pipeline.Sessions.EventsAsJsonAsync(id);
        Assert.DoesNotContain(stored, e => e.Type == "artifact.created");
        Assert.DoesNotContain(stored, e => e.Type == "step.completed" && e.Data.GetProperty("step").GetString() == "portrait");
        Assert.NotEqual("completed", await _pipeline.ScalarAsync<string>("SELECT state FROM steps WHERE session_id = @id AND name = 'portrait'", ("id", id)));
    }

    /// <summary>
    /// Cancels the session while its step waits on the stand-in's <paramref name="endpoint"/>, then waits until the session
    /// ended cancelled and the step's run has finished too (its one call made, its message acknowledged).
    /// </summary>
    private async Task CancelWhileItsStepRunsAsync(Guid id, string endpoint)
    {
        using var cancel = await _pipeline.Sessions.Http.PostAsync(new Uri($"/api/sessions/{id}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        Assert.Equal("session.cancelled", events[^1].Type);
        await WaitUntilAsync(async () => (await _pipeline.OpenAI.RequestsAsync(endpoint)).Count == 1
            && (await _pipeline.Redis.GetDatabase().StreamPendingAsync("deckard:steps", "workers")).PendingMessageCount == 0);
    }

    /// <summary>The consumer (a worker's instance id) holding the session's message.</summary>
    private async Task<string> PendingConsumerAsync(Guid sessionId)
    {
        var database = _pipeline.Redis.GetDatabase();
        var entries = await database.StreamRangeAsync("deckard:steps", "-", "+");
        var entry = entries.Last(e => e.Values.Any(v => v.Name == "session" && v.Value == sessionId.ToString("N")));
        string? consumer = null;
        await WaitUntilAsync(async () =>
        {
            var pending = await database.StreamPendingMessagesAsync("deckard:steps", "workers", 10, RedisValue.Null, entry.Id, entry.Id);
            consumer = pending.FirstOrDefault().ConsumerName;
            return consumer is not null;
        });
        return consumer!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
