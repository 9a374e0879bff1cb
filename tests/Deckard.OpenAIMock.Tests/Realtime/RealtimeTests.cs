using System.Net.WebSockets;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Realtime;

namespace Deckard.OpenAIMock.Tests.Realtime;

public sealed class RealtimeTests(OpenAIMockServer server) : StandInTest(server)
{
    private const int ChunkBytes = 4800;

    private static RealtimeConversationSessionOptions ManualTurnsWithTranscription()
    {
        var options = new RealtimeConversationSessionOptions
        {
            Instructions = "You are Deckard's avatar. Answer briefly.",
            AudioOptions = new RealtimeConversationSessionAudioOptions
            {
                InputAudioOptions = new RealtimeConversationSessionInputAudioOptions
                {
                    AudioFormat = new RealtimePcmAudioFormat(),
                    AudioTranscriptionOptions = new RealtimeAudioTranscriptionOptions { Model = "gpt-4o-mini-transcribe" },
                },
                OutputAudioOptions = new RealtimeConversationSessionOutputAudioOptions { Voice = RealtimeVoice.Marin },
            },
        };
        options.AudioOptions.InputAudioOptions.DisableTurnDetection();
        return options;
    }

    [Fact]
    public async Task A_session_opens_with_session_created_and_confirms_the_configuration()
    {
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);

        var created = await updates.NextAsync<RealtimeServerUpdateSessionCreated>();
        await session.ConfigureConversationSessionAsync(ManualTurnsWithTranscription());
        var updated = await updates.NextAsync<RealtimeServerUpdateSessionUpdated>();

        var initial = Assert.IsType<RealtimeConversationSession>(created.Session);
        Assert.Equal("gpt-realtime", initial.Model);
        var configured = Assert.IsType<RealtimeConversationSession>(updated.Session);
        Assert.Equal("You are Deckard's avatar. Answer briefly.", configured.Instructions);
        Assert.Null(configured.AudioOptions.InputAudioOptions.TurnDetection);
        Assert.Equal("gpt-4o-mini-transcribe", configured.AudioOptions.InputAudioOptions.AudioTranscriptionOptions.Model);
        Assert.Equal("realtime", session.WebSocket.SubProtocol);
    }

    [Fact]
    public async Task Committed_audio_is_transcribed_and_answered_with_streamed_speech()
    {
        await Admin.QueueAsync("realtime-transcription", new { transcript = "Tell me about lighthouses." });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);
        await session.ConfigureConversationSessionAsync(ManualTurnsWithTranscription());
        await updates.NextAsync<RealtimeServerUpdateSessionUpdated>();

        await session.SendInputAudioAsync(BinaryData.FromBytes(await MediaTools.SpokenPcmAsync("tell me about lighthouses")));
        await session.CommitPendingAudioAsync();
        var committed = await updates.NextAsync<RealtimeServerUpdateInputAudioBufferCommitted>();
        var transcription = await updates.NextAsync<RealtimeServerUpdateConversationItemInputAudioTranscriptionCompleted>();
        await session.StartResponseAsync();
        var done = await updates.NextAsync<RealtimeServerUpdateResponseDone>();

        Assert.Equal(committed.ItemId, transcription.ItemId);
        Assert.Equal("Tell me about lighthouses.", transcription.Transcript);
        Assert.Equal(RealtimeResponseStatus.Completed, done.Response.Status);
        Assert.True(done.Response.Usage.OutputTokenCount > 0);
        Assert.True(done.Response.Usage.InputTokenCount > 0);

        var audioChunks = updates.SeenOf<RealtimeServerUpdateResponseOutputAudioDelta>().Select(delta => delta.Delta.ToArray()).ToList();
        Assert.True(audioChunks.Count > 5, $"only {audioChunks.Count} audio chunks");
        Assert.All(audioChunks, chunk => Assert.InRange(chunk.Length, 2, ChunkBytes));
        var transcript = string.Concat(updates.SeenOf<RealtimeServerUpdateResponseOutputAudioTranscriptDelta>().Select(delta => delta.Delta));
        Assert.Equal("I heard you say: Tell me about lighthouses.", transcript);
        Assert.Equal(transcript, updates.SeenOf<RealtimeServerUpdateResponseOutputAudioTranscriptDone>().Single().Transcript);

        var audio = audioChunks.SelectMany(chunk => chunk).ToArray();
        var probe = await MediaTools.ProbeAudioAsync(audio, "s16le");
        var impliedSeconds = transcript.Split(' ').Length / 150.0 * 60;
        Assert.InRange(probe.Duration.TotalSeconds, impliedSeconds * 0.7, impliedSeconds * 1.3);

        Assert.Equal(
        [
            typeof(RealtimeServerUpdateResponseCreated), typeof(RealtimeServerUpdateResponseOutputItemAdded),
            typeof(RealtimeServerUpdateConversationItemAdded), typeof(RealtimeServerUpdateResponseContentPartAdded),
        ], updates.Seen.SkipWhile(update => update is not RealtimeServerUpdateResponseCreated).Take(4).Select(update => update.GetType()));
        Assert.Equal(
        [
            typeof(RealtimeServerUpdateResponseOutputAudioDone), typeof(RealtimeServerUpdateResponseOutputAudioTranscriptDone),
            typeof(RealtimeServerUpdateResponseContentPartDone), typeof(RealtimeServerUpdateResponseOutputItemDone),
            typeof(RealtimeServerUpdateConversationItemDone), typeof(RealtimeServerUpdateResponseDone),
        ], updates.Seen.SkipWhile(update => update is not RealtimeServerUpdateResponseOutputAudioDone).Select(update => update.GetType()));
    }

    [Fact]
    public async Task Server_VAD_commits_the_turn_and_answers_when_the_speaker_falls_silent()
    {
        await Admin.QueueAsync("realtime-response", new { text = "Hello from the stand-in." });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);
        await updates.NextAsync<RealtimeServerUpdateSessionCreated>();

        var speech = await MediaTools.SpokenPcmAsync("good morning", trailingSilenceMs: 800);
        for (var offset = 0; offset < speech.Length; offset += ChunkBytes)
        {
            await session.SendInputAudioAsync(BinaryData.FromBytes(speech.AsMemory(offset, Math.Min(ChunkBytes, speech.Length - offset))));
        }

        var started = await updates.NextAsync<RealtimeServerUpdateInputAudioBufferSpeechStarted>();
        var stopped = await updates.NextAsync<RealtimeServerUpdateInputAudioBufferSpeechStopped>();
        var committed = await updates.NextAsync<RealtimeServerUpdateInputAudioBufferCommitted>();
        var done = await updates.NextAsync<RealtimeServerUpdateResponseDone>();

        Assert.Equal(started.ItemId, committed.ItemId);
        Assert.True(stopped.AudioEndTime > started.AudioStartTime);
        Assert.Equal(RealtimeResponseStatus.Completed, done.Response.Status);
        Assert.Equal("Hello from the stand-in.", updates.SeenOf<RealtimeServerUpdateResponseOutputAudioTranscriptDone>().Single().Transcript);
    }

    [Fact]
    public async Task A_text_item_added_to_the_conversation_is_answered_and_can_be_deleted()
    {
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);

        await session.AddItemAsync(RealtimeItem.CreateUserMessageItem("What is a lighthouse?"));
        var added = await updates.NextAsync<RealtimeServerUpdateConversationItemAdded>();
        await session.StartResponseAsync();
        await updates.NextAsync<RealtimeServerUpdateResponseDone>();
        var itemId = Assert.IsType<RealtimeMessageItem>(added.Item).Id;
        await session.DeleteItemAsync(itemId);
        var deleted = await updates.NextAsync<RealtimeServerUpdateConversationItemDeleted>();

        Assert.Equal("I heard you say: What is a lighthouse?",
            updates.SeenOf<RealtimeServerUpdateResponseOutputAudioTranscriptDone>().Single().Transcript);
        Assert.Equal(itemId, deleted.ItemId);
    }

    [Fact]
    public async Task Response_cancel_ends_the_response_as_cancelled()
    {
        await Admin.QueueAsync("realtime-response", new { latency_ms = 60_000 });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);

        await session.StartResponseAsync();
        var created = await updates.NextAsync<RealtimeServerUpdateResponseCreated>();
        await session.StartResponseAsync();
        var busy = await updates.NextAsync<RealtimeServerUpdateError>();
        await session.CancelResponseAsync();
        var done = await updates.NextAsync<RealtimeServerUpdateResponseDone>();

        Assert.Equal("conversation_already_has_active_response", busy.Error.Code);
        Assert.Equal(created.Response.Id, done.Response.Id);
        Assert.Equal(RealtimeResponseStatus.Cancelled, done.Response.Status);
        Assert.Equal(RealtimeResponseStatusReason.ClientCancelled, done.Response.StatusDetails.Reason);
    }

    [Fact]
    public async Task Truncating_assistant_audio_is_confirmed_and_truncating_past_its_end_is_an_error_event()
    {
        await Admin.QueueAsync("realtime-response", new { text = "This reply will be cut short by the listener." });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);
        await session.StartResponseAsync();
        await updates.NextAsync<RealtimeServerUpdateResponseDone>();
        var itemId = updates.SeenOf<RealtimeServerUpdateResponseOutputAudioDelta>().First().ItemId;

        await session.TruncateItemAsync(itemId, 0, TimeSpan.FromMilliseconds(500));
        var truncated = await updates.NextAsync<RealtimeServerUpdateConversationItemTruncated>();
        await session.TruncateItemAsync(itemId, 0, TimeSpan.FromMinutes(5));
        var error = await updates.NextAsync<RealtimeServerUpdateError>();

        Assert.Equal(itemId, truncated.ItemId);
        Assert.Equal(TimeSpan.FromMilliseconds(500), truncated.AudioEndTime);
        Assert.Equal("audio_end_ms", error.Error.ParameterName);
    }

    [Fact]
    public async Task Truncating_a_reply_while_it_still_streams_is_confirmed_once_the_reply_is_written_and_the_session_goes_on()
    {
        // A listener barges in at the first audio it hears: the item's content is not written yet at that moment.
        await Admin.QueueAsync("realtime-response", new { text = "This is a long reply that the listener interrupts almost at once, so most of it is never heard." });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);
        await session.StartResponseAsync();
        var first = await updates.NextAsync<RealtimeServerUpdateResponseOutputAudioDelta>();

        await session.TruncateItemAsync(first.ItemId, 0, TimeSpan.FromMilliseconds(100));
        var truncated = await updates.NextAsync<RealtimeServerUpdateConversationItemTruncated>();

        Assert.Equal(first.ItemId, truncated.ItemId);
        Assert.Equal(TimeSpan.FromMilliseconds(100), truncated.AudioEndTime);
        Assert.Contains(updates.SeenOf<RealtimeServerUpdateResponseDone>(), done => done.Response.Id == first.ResponseId);
        Assert.Equal(WebSocketState.Open, session.WebSocket.State);
    }

    [Fact]
    public async Task Bad_client_events_get_error_events_and_the_session_goes_on()
    {
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);
        await updates.NextAsync<RealtimeServerUpdateSessionCreated>();

        await session.SendCommandAsync(BinaryData.FromString("this is not json"), null);
        var notJson = await updates.NextAsync<RealtimeServerUpdateError>();
        await session.SendCommandAsync(BinaryData.FromString("""{"type":"response.dance","event_id":"evt_1"}"""), null);
        var unknownType = await updates.NextAsync<RealtimeServerUpdateError>();
        await session.CommitPendingAudioAsync();
        var emptyCommit = await updates.NextAsync<RealtimeServerUpdateError>();
        await session.ClearInputAudioAsync();
        await updates.NextAsync<RealtimeServerUpdateInputAudioBufferCleared>();

        Assert.Equal("invalid_json", notJson.Error.Code);
        Assert.Equal("invalid_value", unknownType.Error.Code);
        Assert.Equal("evt_1", unknownType.Error.EventId);
        Assert.Equal("input_audio_buffer_commit_empty", emptyCommit.Error.Code);
        Assert.Equal(WebSocketState.Open, session.WebSocket.State);
    }

    [Fact]
    public async Task A_realtime_response_scripted_to_fail_ends_as_failed()
    {
        await Admin.QueueAsync("realtime-response", new { fail = new { status = 500 } });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);

        await session.StartResponseAsync();
        var done = await updates.NextAsync<RealtimeServerUpdateResponseDone>();

        Assert.Equal(RealtimeResponseStatus.Failed, done.Response.Status);
        Assert.Equal("server_error", done.Response.StatusDetails.Error.Kind);
    }

    [Fact]
    public async Task A_handshake_scripted_to_fail_with_429_is_refused_before_the_upgrade()
    {
        await Admin.QueueAsync("realtime", new { fail = new { status = 429, retry_after_seconds = 1 } });

        var failure = await Assert.ThrowsAsync<WebSocketException>(() => Server.Realtime().StartConversationSessionAsync("gpt-realtime"));

        Assert.Contains("429", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_scripted_to_break_after_two_events_drops_mid_response()
    {
        await Admin.QueueAsync("realtime", new { break_after_events = 2 });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);
        await updates.NextAsync<RealtimeServerUpdateSessionCreated>();

        await session.StartResponseAsync();
        var failure = await Record.ExceptionAsync(() => updates.NextAsync<RealtimeServerUpdateResponseDone>());

        Assert.NotNull(failure);
        Assert.Equal(2, updates.Seen.Count);
        Assert.IsType<RealtimeServerUpdateResponseCreated>(updates.Seen[1]);
    }

    [Fact]
    public async Task A_text_only_response_streams_output_text_instead_of_audio()
    {
        await Admin.QueueAsync("realtime-response", new { text = "Just words." });
        using var session = await Server.Realtime().StartConversationSessionAsync("gpt-realtime");
        await using var updates = new RealtimeUpdates(session);

        await session.StartResponseAsync(new RealtimeResponseOptions { OutputModalities = { RealtimeOutputModality.Text } });
        await updates.NextAsync<RealtimeServerUpdateResponseDone>();

        Assert.Empty(updates.SeenOf<RealtimeServerUpdateResponseOutputAudioDelta>());
        Assert.Equal("Just words.", string.Concat(updates.SeenOf<RealtimeServerUpdateResponseOutputTextDelta>().Select(delta => delta.Delta)));
        Assert.Equal("Just words.", updates.SeenOf<RealtimeServerUpdateResponseOutputTextDone>().Single().Text);
    }
}
