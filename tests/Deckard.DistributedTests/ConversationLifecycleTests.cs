using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// How a live conversation ends: idle, at its maximum duration (both announced on the socket before a normal close),
/// abandoned without a browser, or dropped by the browser (which closes upstream and may reconnect). The pipeline
/// fixture gives conversations a 6 s idle timeout and a 30 s maximum.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ConversationLifecycleTests : IAsyncLifetime
{
    private readonly PipelineFixture _pipeline;

    public ConversationLifecycleTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    public Task InitializeAsync() => _pipeline.OpenAI.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient Api => _pipeline.Sessions.Http;

    [Fact]
    public async Task A_conversation_nobody_speaks_in_ends_idle_with_an_event_then_a_normal_close_and_completes()
    {
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(Api, sessionId);

        var ended = await client.WaitForAsync("deckard.conversation.ended", deadline: TimeSpan.FromSeconds(PipelineFixture.ConversationIdleSeconds + 10));

        Assert.Equal("idle", ended.GetProperty("reason").GetString());
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        var events = await _pipeline.Sessions.WaitForEndAsync(sessionId);
        Assert.Equal("idle", events.Single(e => e.Type == "conversation.ended").Data.GetProperty("reason").GetString());
        Assert.Equal("session.completed", events[^1].Type);
    }

    [Fact]
    public async Task A_conversation_reaching_its_maximum_duration_is_ended_cleanly_with_an_event()
    {
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(Api, sessionId);
        await client.WaitForAsync("session.updated");
        using var talking = new CancellationTokenSource();
        // Keeps it attended (each clear is activity) so only the maximum duration can end it.
        var keepAlive = Task.Run(async () =>
        {
            while (!talking.IsCancellationRequested && client.CloseStatus is null)
            {
                await client.SendAsync(new JsonObject { ["type"] = "input_audio_buffer.clear" });
                await Task.Delay(1000, talking.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        var ended = await client.WaitForAsync("deckard.conversation.ended", deadline: TimeSpan.FromSeconds(PipelineFixture.ConversationMaxSeconds + 15));
        await talking.CancelAsync();
        await keepAlive.ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal("max_duration", ended.GetProperty("reason").GetString());
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        var session = await _pipeline.Sessions.GetAsync(sessionId);
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.Equal("max_duration", session.GetProperty("results").GetProperty("conversation").GetProperty("endedReason").GetString());
    }

    [Fact]
    public async Task Cancelling_a_live_conversation_closes_its_socket()
    {
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(Api, sessionId);
        await client.WaitForAsync("session.updated");

        (await _pipeline.Sessions.Http.PostAsync(new Uri($"/api/sessions/{sessionId}/cancel", UriKind.Relative), null)).EnsureSuccessStatusCode();

        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Contains("no longer live", client.CloseDescription, StringComparison.Ordinal);
        Assert.Equal("cancelled", (await _pipeline.Sessions.GetAsync(sessionId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_live_conversation_no_browser_ever_joins_is_ended_by_the_idle_sweep()
    {
        var sessionId = await _pipeline.Sessions.StartConversationAsync();

        var events = await _pipeline.Sessions.WaitForEndAsync(sessionId, TimeSpan.FromSeconds(PipelineFixture.ConversationIdleSeconds + 20));

        Assert.Equal("idle", events.Single(e => e.Type == "conversation.ended").Data.GetProperty("reason").GetString());
        Assert.Equal("session.completed", events[^1].Type);
    }

    [Fact]
    public async Task A_browser_that_drops_closes_the_upstream_and_can_reconnect_to_go_on_with_the_next_turn()
    {
        await _pipeline.OpenAI.ScriptAsync("realtime-response", new { text = "Hello there." });
        await _pipeline.OpenAI.ScriptAsync("realtime-response", new { text = "Welcome back." });
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        var first = await RealtimeTestClient.ConnectAsync(Api, sessionId);
        await first.SpeakAsync(await TestAudio.SpeechPcm24kAsync("Hello."));
        await first.WaitForAsync("response.done");
        await _pipeline.Sessions.WaitForTurnAsync(sessionId, 1);

        first.Abort();
        await first.DisposeAsync();

        // The upstream socket is closed: the stand-in's journal times the call to its end.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement upstream;
        do
        {
            await Task.Delay(100);
            upstream = Assert.Single(await _pipeline.OpenAI.RequestsAsync("realtime"));
        }
        while (upstream.GetProperty("duration_ms").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline);
        Assert.NotEqual(JsonValueKind.Null, upstream.GetProperty("duration_ms").ValueKind);
        Assert.Equal("conversing", (await _pipeline.Sessions.GetAsync(sessionId)).GetProperty("status").GetString());

        await using (var second = await RealtimeTestClient.ConnectAsync(Api, sessionId))
        {
            await second.SpeakAsync(await TestAudio.SpeechPcm24kAsync("I am back."));
            await second.WaitForAsync("response.done");
            await _pipeline.Sessions.WaitForTurnAsync(sessionId, 2);
            await second.HangUpAsync();
        }

        var events = await _pipeline.Sessions.WaitForEndAsync(sessionId);
        Assert.Equal([1, 2], events.Where(e => e.Type == "conversation.connected").Select(e => e.Data.GetProperty("nextTurn").GetInt32()));
        Assert.Equal(["Hello there.", "Welcome back."], events.Where(e => e.Type == "turn.completed").Select(e => e.Data.GetProperty("assistant").GetString()));
        Assert.Equal("session.completed", events[^1].Type);
        Assert.Equal(2, (await _pipeline.OpenAI.RequestsAsync("realtime")).Count);
        // Captured audio lives in temporary files only until its turn is stored.
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "deckard-reply-*"));
    }


}
