using System.Buffers.Binary;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// The conversation flow through the real topology: a client WebSocket streams espeak-ng speech (PCM16 24 kHz) to the
/// Api, which relays it to the OpenAI stand-in's Realtime endpoint (server VAD, audio at real-time pace), captures each
/// reply as a WAV turn and queues its lip-sync render on the RunPod stand-in.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ConversationTests : IAsyncLifetime
{
    private readonly PipelineFixture _pipeline;

    public ConversationTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    public Task InitializeAsync() => _pipeline.OpenAI.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient Api => _pipeline.Sessions.Http;

    [Fact]
    public async Task Spoken_turns_are_relayed_captured_as_wav_with_both_transcripts_and_lip_synced_one_video_per_turn_in_order()
    {
        string[] replies = ["The sea is deep and full of light.", "Whales sing to each other across whole oceans."];
        string[] heard = ["Tell me about the sea.", "What about whales?"];
        foreach (var (reply, said) in replies.Zip(heard))
        {
            await _pipeline.OpenAI.ScriptAsync("realtime-response", new { text = reply });
            await _pipeline.OpenAI.ScriptAsync("realtime-transcription", new { transcript = said });
        }

        var sessionId = await _pipeline.Sessions.StartConversationAsync("""{"intent":"conversation","lipsync":true}""");
        var relayedMs = new List<int>();
        await using (var client = await RealtimeTestClient.ConnectAsync(Api, sessionId))
        {
            foreach (var said in heard)
            {
                await client.SpeakAsync(await TestAudio.SpeechPcm24kAsync(said));
                var done = await client.WaitForAsync("response.done");
                Assert.Equal("completed", done.GetProperty("response").GetProperty("status").GetString());
                relayedMs.Add(client.AudioMilliseconds(done.GetProperty("response").GetProperty("id").GetString()!));
            }

            var transcripts = client.Received.Where(e => e.GetProperty("type").GetString() == "response.output_audio_transcript.done")
                .Select(e => e.GetProperty("transcript").GetString()).ToList();
            Assert.Equal(replies, transcripts);
            var userTranscripts = client.Received.Where(e => e.GetProperty("type").GetString() == "conversation.item.input_audio_transcription.completed")
                .Select(e => e.GetProperty("transcript").GetString()).ToList();
            Assert.Equal(heard, userTranscripts);
            await client.HangUpAsync();
        }

        var events = await _pipeline.Sessions.WaitForEndAsync(sessionId, TimeSpan.FromMinutes(2));
        Assert.Equal("session.completed", events[^1].Type);
        var turns = events.Where(e => e.Type == "turn.completed").Select(e => e.Data).ToList();
        Assert.Equal([1, 2], turns.Select(turn => turn.GetProperty("turn").GetInt32()));
        Assert.Equal(heard, turns.Select(turn => turn.GetProperty("user").GetString()));
        Assert.Equal(replies, turns.Select(turn => turn.GetProperty("assistant").GetString()));
        var ended = events.Single(e => e.Type == "conversation.ended").Data;
        Assert.Equal("hangup", ended.GetProperty("reason").GetString());
        Assert.True(events.FindIndex(e => e.Type == "conversation.ended") < events.FindIndex(e => e.Type == "session.completed"));

        var session = await _pipeline.Sessions.GetAsync(sessionId);
        Assert.Equal("completed", session.GetProperty("status").GetString());
        for (var turn = 1; turn <= 2; turn++)
        {
            var wav = await DownloadAsync(Artifact(session, $"turn-{turn}-reply"));
            Assert.Equal(24000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
            Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)));
            var storedMs = (wav.Length - 44) / 48;
            Assert.InRange(storedMs, relayedMs[turn - 1] - 50, relayedMs[turn - 1] + 50);
            Assert.Equal(storedMs, turns[turn - 1].GetProperty("audio").GetProperty("durationMs").GetInt32());
            Assert.Equal("video", Artifact(session, $"turn-{turn}-video").GetProperty("kind").GetString());
        }

        var renders = session.GetProperty("steps").EnumerateArray().Where(step => step.GetProperty("name").GetString() == "lipsync").ToList();
        Assert.Equal(["turn-1", "turn-2"], renders.Select(step => step.GetProperty("instance").GetString()));
        Assert.All(renders, step => Assert.True(step.GetProperty("state").GetString() == "completed", step.ToString()));
        var progressTurns = events.Where(e => e.Type == "lipsync.progress").Select(e => e.Data.GetProperty("turn").GetInt32()).Distinct().Order();
        Assert.Equal([1, 2], progressTurns);
        // The conversation's Realtime tokens are one priced step of the session.
        var realtimeStep = session.GetProperty("steps").EnumerateArray().Single(step => step.GetProperty("name").GetString() == "realtime");
        Assert.Equal("gpt-realtime", realtimeStep.GetProperty("usage").GetProperty("model").GetString());
        Assert.True(realtimeStep.GetProperty("usage").GetProperty("outputTokens").GetInt32() > 0);
        var realtimeCost = session.GetProperty("cost").GetProperty("lines").EnumerateArray().Single(line => line.GetProperty("step").GetString() == "realtime");
        Assert.True(realtimeCost.GetProperty("usd").GetDecimal() > 0);
        var conversation = session.GetProperty("results").GetProperty("conversation");
        Assert.Equal(2, conversation.GetProperty("turns").GetInt32());
        Assert.Equal(heard[0], conversation.GetProperty("transcript")[0].GetProperty("user").GetString());

        // Deckard, not the browser, configured the upstream session.
        var realtime = Assert.Single(await _pipeline.OpenAI.RequestsAsync("realtime"));
        Assert.Equal("session.update", realtime.GetProperty("summary").GetProperty("client_events")[0].GetString());
    }

    [Fact]
    public async Task Barge_in_truncates_the_reply_where_the_person_stopped_hearing_it_and_stores_only_that()
    {
        await _pipeline.OpenAI.ScriptAsync("realtime-response", new
        {
            text = "Once upon a time there was a lighthouse keeper who counted every wave that broke against the rocks below.",
        });
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(Api, sessionId);
        await client.SpeakAsync(await TestAudio.SpeechPcm24kAsync("Tell me a story."));
        var created = await client.WaitForAsync("response.created");
        var responseId = created.GetProperty("response").GetProperty("id").GetString()!;
        var item = await client.WaitForAsync("response.output_item.added");
        var itemId = item.GetProperty("item").GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (client.AudioMilliseconds(responseId) < 1500 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // The person speaks over the reply; the browser had played 1.2 s of it.
        var interrupting = client.SpeakAsync(await TestAudio.SpeechPcm24kAsync("Wait, stop."));
        await client.WaitForAsync("input_audio_buffer.speech_started");
        await client.SendAsync(new JsonObject
        {
            ["type"] = "conversation.item.truncate",
            ["item_id"] = itemId,
            ["content_index"] = 0,
            ["audio_end_ms"] = 1200,
        });
        var truncated = await client.WaitForAsync("conversation.item.truncated");
        Assert.Equal(1200, truncated.GetProperty("audio_end_ms").GetInt32());
        await interrupting;

        var turn = await _pipeline.Sessions.WaitForTurnAsync(sessionId, 1);
        Assert.True(turn.GetProperty("interrupted").GetBoolean());
        Assert.InRange(turn.GetProperty("audio").GetProperty("durationMs").GetInt32(), 1150, 1250);
        var session = await _pipeline.Sessions.GetAsync(sessionId);
        var wav = await DownloadAsync(Artifact(session, "turn-1-reply"));
        Assert.InRange((wav.Length - 44) / 48, 1150, 1250);
        await client.HangUpAsync();
    }

    [Fact]
    public async Task Sessions_that_are_not_live_conversations_are_refused_before_the_upgrade()
    {
        await _pipeline.OpenAI.ScriptAsync("responses", new { function_call = new { name = "answer_with_web_search", arguments = new { query = "tides" } } });
        var search = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Why are there tides?", """{"lipsync":false}"""));
        await _pipeline.Sessions.WaitForEndAsync(search);
        var (status, body) = await RealtimeTestClient.TryConnectAsync(Api, search);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("not-a-conversation", body, StringComparison.Ordinal);

        var finished = await _pipeline.Sessions.StartConversationAsync();
        await using (var client = await RealtimeTestClient.ConnectAsync(Api, finished))
        {
            await client.WaitForAsync("session.updated");
            await client.HangUpAsync();
        }

        await _pipeline.Sessions.WaitForEndAsync(finished);
        (status, body) = await RealtimeTestClient.TryConnectAsync(Api, finished);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("conversation-ended", body, StringComparison.Ordinal);

        (status, _) = await RealtimeTestClient.TryConnectAsync(Api, Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Disallowed_events_and_session_updates_get_an_error_event_and_the_socket_stays_open()
    {
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(Api, sessionId);
        await client.WaitForAsync("session.updated");

        await client.SendAsync(new JsonObject { ["type"] = "conversation.item.delete", ["item_id"] = "item_x", ["event_id"] = "evt_1" });
        var notAllowed = await client.WaitForAsync("error");
        Assert.Equal("event_not_allowed", notAllowed.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("evt_1", notAllowed.GetProperty("error").GetProperty("event_id").GetString());

        await client.SendAsync(new JsonObject { ["type"] = "session.update", ["session"] = new JsonObject { ["type"] = "realtime", ["instructions"] = "Be a pirate." } });
        var instructions = await client.WaitForAsync("error");
        Assert.Equal("session_update_not_allowed", instructions.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("session.instructions", instructions.GetProperty("error").GetProperty("param").GetString());

        await client.SendAsync(new JsonObject { ["type"] = "session.update", ["session"] = new JsonObject { ["type"] = "realtime", ["model"] = "gpt-4o-realtime-preview" } });
        Assert.Equal("session.model", (await client.WaitForAsync("error")).GetProperty("error").GetProperty("param").GetString());

        await client.SendAsync(new JsonObject { ["type"] = "response.create", ["response"] = new JsonObject { ["instructions"] = "Say something rude." } });
        Assert.Equal("response_override_not_allowed", (await client.WaitForAsync("error")).GetProperty("error").GetProperty("code").GetString());

        // What the browser may tune goes through, and the socket is still open.
        await client.SendAsync(new JsonObject
        {
            ["type"] = "session.update",
            ["session"] = new JsonObject
            {
                ["type"] = "realtime",
                ["audio"] = new JsonObject { ["input"] = new JsonObject { ["turn_detection"] = new JsonObject { ["type"] = "server_vad", ["silence_duration_ms"] = 500 } } },
            },
        });
        var updated = await client.WaitForAsync("session.updated");
        Assert.Equal(500, updated.GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("turn_detection").GetProperty("silence_duration_ms").GetInt32());
        Assert.Contains("talking avatar", updated.GetProperty("session").GetProperty("instructions").GetString(), StringComparison.Ordinal);
        var sentUpstream = (await _pipeline.OpenAI.RequestsAsync("realtime"))[^1].GetProperty("summary").GetProperty("client_events")
            .EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["session.update", "session.update"], sentUpstream);
        await client.HangUpAsync();
    }

    [Fact]
    public async Task An_oversized_frame_closes_the_socket_with_a_policy_violation()
    {
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(Api, sessionId);
        await client.WaitForAsync("session.updated");
        var huge = new JsonObject { ["type"] = "input_audio_buffer.append", ["audio"] = Convert.ToBase64String(new byte[400_000]) };
        await client.SendAsync(huge);

        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Contains("larger than", client.CloseDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_drop_mid_reply_closes_the_browser_socket_with_a_reason_and_keeps_what_was_captured()
    {
        await _pipeline.OpenAI.ScriptAsync("realtime-response", new
        {
            text = "The tide comes in twice a day because the moon pulls the oceans toward it as the earth turns beneath.",
        });
        await _pipeline.OpenAI.ScriptAsync("realtime", new { break_after_events = 30 });
        var sessionId = await _pipeline.Sessions.StartConversationAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(Api, sessionId);
        await client.SpeakAsync(await TestAudio.SpeechPcm24kAsync("Why are there tides?"));
        Assert.True(await client.WaitForCloseAsync(TimeSpan.FromSeconds(30)));
        Assert.True(client.CloseStatus == WebSocketCloseStatus.InternalServerError, $"{client.CloseStatus} {client.ReadError}");
        Assert.Contains("OpenAI Realtime", client.CloseDescription, StringComparison.Ordinal);
        var relayed = client.Received.Where(e => e.GetProperty("type").GetString() == "response.output_audio.delta")
            .Sum(e => Convert.FromBase64String(e.GetProperty("delta").GetString()!).Length) / 48;
        Assert.True(relayed > 0, "some audio was relayed before the drop");

        var turn = await _pipeline.Sessions.WaitForTurnAsync(sessionId, 1);
        Assert.False(turn.GetProperty("complete").GetBoolean());
        Assert.InRange(turn.GetProperty("audio").GetProperty("durationMs").GetInt32(), relayed - 50, relayed + 50);
        var session = await _pipeline.Sessions.GetAsync(sessionId);
        Assert.Equal("conversing", session.GetProperty("status").GetString());
        Assert.False(Assert.Single(session.GetProperty("turns").EnumerateArray()).GetProperty("complete").GetBoolean());
    }



    private static JsonElement Artifact(JsonElement session, string role) =>
        session.GetProperty("artifacts").EnumerateArray().Single(artifact => artifact.GetProperty("role").GetString() == role);

    private Task<byte[]> DownloadAsync(JsonElement artifact) =>
        _pipeline.Sessions.Http.GetByteArrayAsync(new Uri(artifact.GetProperty("url").GetString()!, UriKind.Relative));
}
