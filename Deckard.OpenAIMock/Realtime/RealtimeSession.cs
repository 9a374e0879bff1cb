using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Audio;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Realtime;

/// <summary>
/// One realtime connection after the handshake: reads client events one by one and answers each as the GA Realtime
/// API does. A bad client event gets an <c>error</c> event and the session goes on.
/// </summary>
public sealed class RealtimeSession(
    RealtimeConnection connection,
    RealtimeSessionConfig config,
    Func<RealtimeConversation, RealtimeResponder> createResponder,
    ScriptedCalls scripts,
    ReceivedRequest? journalEntry,
    ILogger logger)
{
    private const int MinimumCommitMs = 100;
    private const int BytesPerMs = 48;

    private static readonly string[] ClientEventTypes =
    [
        "session.update", "input_audio_buffer.append", "input_audio_buffer.commit", "input_audio_buffer.clear",
        "conversation.item.create", "conversation.item.retrieve", "conversation.item.truncate", "conversation.item.delete",
        "response.create", "response.cancel", "output_audio_buffer.clear",
    ];

    private readonly RealtimeConversation _conversation = new();
    private readonly MemoryStream _inputAudio = new();
    private readonly VoiceActivityDetector _voiceActivity = new();
    private readonly Lock _responseGate = new();
    private readonly string _conversationId = WireIds.New("conv", 22);
    private ActiveResponse? _activeResponse;
    private string? _speechItemId;
    private CancellationToken _sessionEnding;

    public async Task RunAsync(CancellationToken sessionEnding)
    {
        _sessionEnding = sessionEnding;
        await connection.SendAsync("session.created", new JsonObject { ["session"] = config.Session.DeepClone() }, sessionEnding);
        try
        {
            while (!connection.Broken && await connection.ReceiveAsync(sessionEnding) is { } message)
            {
                await HandleAsync(message);
            }

            await connection.CloseAsync(sessionEnding);
        }
        finally
        {
            ActiveResponse? active;
            lock (_responseGate)
            {
                active = _activeResponse;
            }

            if (active is not null)
            {
                active.Cancel("client_cancelled");
                await active.Completion.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task HandleAsync(ClientMessage message)
    {
        if (message.Text is null)
        {
            await SendErrorAsync(RealtimeErrors.Invalid("Binary frames are not supported: send each event as a JSON text frame.", "invalid_event"), null);
            return;
        }

        JsonObject? clientEvent;
        try
        {
            clientEvent = JsonNode.Parse(message.Text) as JsonObject;
        }
        catch (JsonException exception)
        {
            await SendErrorAsync(RealtimeErrors.Invalid($"Invalid JSON: {exception.Message}", "invalid_json"), null);
            return;
        }

        if (clientEvent is null)
        {
            await SendErrorAsync(RealtimeErrors.Invalid("Each client event must be a JSON object.", "invalid_event"), null);
            return;
        }

        var eventId = (string?)clientEvent["event_id"];
        var type = (string?)clientEvent["type"];
        journalEntry?.AppendToSummary("client_events", type ?? "(none)");
        var error = type switch
        {
            null => OpenAIError.MissingParameter("type"),
            "session.update" => await UpdateSessionAsync(clientEvent),
            "input_audio_buffer.append" => await AppendAudioAsync(clientEvent),
            "input_audio_buffer.commit" => await CommitRequestedAsync(),
            "input_audio_buffer.clear" => await ClearAudioAsync(),
            "conversation.item.create" => await CreateItemAsync(clientEvent),
            "conversation.item.retrieve" => await RetrieveItemAsync(clientEvent),
            "conversation.item.delete" => await DeleteItemAsync(clientEvent),
            "conversation.item.truncate" => await TruncateItemAsync(clientEvent),
            "response.create" => StartResponse(clientEvent["response"] as JsonObject),
            "response.cancel" => CancelResponse((string?)clientEvent["response_id"]),
            "output_audio_buffer.clear" => RealtimeErrors.Invalid(
                "output_audio_buffer.clear is only supported for WebRTC and SIP connections.", "invalid_event"),
            _ => OpenAIError.InvalidValue("type", type, ClientEventTypes),
        };

        if (error is not null)
        {
            await SendErrorAsync(error, eventId);
        }
    }

    private async Task<OpenAIError?> UpdateSessionAsync(JsonObject clientEvent)
    {
        if (clientEvent["session"] is not JsonObject patch)
        {
            return OpenAIError.MissingParameter("session");
        }

        var error = config.Update(patch, _conversation.HasAssistantAudio);
        if (error is null)
        {
            await SendAsync("session.updated", new JsonObject { ["session"] = config.Session.DeepClone() });
        }

        return error;
    }

    private async Task<OpenAIError?> AppendAudioAsync(JsonObject clientEvent)
    {
        if (clientEvent["audio"] is not JsonValue audioValue || audioValue.ToString() is not { } base64)
        {
            return OpenAIError.MissingParameter("audio");
        }

        var audio = new byte[base64.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(base64, audio, out var length))
        {
            return RealtimeErrors.Invalid("Invalid 'audio'. Expected base64-encoded audio bytes.", "invalid_value", "audio");
        }

        _inputAudio.Write(audio, 0, length);
        if (config.TurnDetection is not { } turnDetection)
        {
            return null;
        }

        foreach (var activity in _voiceActivity.Process(audio.AsSpan(0, length), turnDetection))
        {
            if (activity.Kind == VoiceActivity.SpeechStarted)
            {
                _speechItemId = WireIds.New("item", 22);
                if ((bool?)turnDetection["interrupt_response"] ?? true)
                {
                    CancelActive("turn_detected");
                }

                await SendAsync("input_audio_buffer.speech_started",
                    new JsonObject { ["audio_start_ms"] = activity.AudioMs, ["item_id"] = _speechItemId });
            }
            else
            {
                var itemId = _speechItemId ?? WireIds.New("item", 22);
                await SendAsync("input_audio_buffer.speech_stopped", new JsonObject { ["audio_end_ms"] = activity.AudioMs, ["item_id"] = itemId });
                await CommitAsync(itemId);
                _speechItemId = null;
                if ((bool?)turnDetection["create_response"] ?? true)
                {
                    StartResponse(null);
                }
            }
        }

        return null;
    }

    private async Task<OpenAIError?> CommitRequestedAsync()
    {
        var bufferedMs = _inputAudio.Length / (double)BytesPerMs;
        if (bufferedMs < MinimumCommitMs)
        {
            return RealtimeErrors.Invalid(
                $"Error committing input audio buffer: buffer too small. Expected at least {MinimumCommitMs}ms of audio, but buffer only has {bufferedMs:0.00}ms of audio.",
                "input_audio_buffer_commit_empty");
        }

        await CommitAsync(_speechItemId ?? WireIds.New("item", 22));
        _speechItemId = null;
        return null;
    }

    private async Task CommitAsync(string itemId)
    {
        var audio = _inputAudio.ToArray();
        _inputAudio.SetLength(0);
        var item = new ConversationItem(itemId, "user", new JsonObject
        {
            ["id"] = itemId,
            ["type"] = "message",
            ["object"] = "realtime.item",
            ["status"] = "completed",
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }),
        })
        {
            AudioMs = audio.Length / BytesPerMs,
        };

        var transcript = scripts.TakeNext(MockEndpoint.RealtimeTranscription)?.Transcript ?? DefaultTranscript.For(audio);
        var previous = _conversation.Add(item);
        await SendAsync("input_audio_buffer.committed", new JsonObject { ["previous_item_id"] = previous, ["item_id"] = itemId });
        await SendAsync("conversation.item.added", new JsonObject { ["previous_item_id"] = previous, ["item"] = item.Wire.DeepClone() });
        await SendAsync("conversation.item.done", new JsonObject { ["previous_item_id"] = previous, ["item"] = item.Wire.DeepClone() });

        // The model hears the words either way; the transcription events come only when the session asks for them.
        item.Text = transcript;
        if (config.TranscribesInput)
        {
            item.Wire["content"]![0]!["transcript"] = transcript;
            await SendAsync("conversation.item.input_audio_transcription.delta",
                new JsonObject { ["item_id"] = itemId, ["content_index"] = 0, ["delta"] = transcript });
            var audioTokens = Math.Max(1, TokenEstimator.ForAudio(TimeSpan.FromMilliseconds(item.AudioMs)));
            var textTokens = TokenEstimator.ForText(transcript);
            await SendAsync("conversation.item.input_audio_transcription.completed", new JsonObject
            {
                ["item_id"] = itemId,
                ["content_index"] = 0,
                ["transcript"] = transcript,
                ["usage"] = new JsonObject
                {
                    ["type"] = "tokens",
                    ["total_tokens"] = audioTokens + textTokens,
                    ["input_tokens"] = audioTokens,
                    ["input_token_details"] = new JsonObject { ["text_tokens"] = 0, ["audio_tokens"] = audioTokens },
                    ["output_tokens"] = textTokens,
                },
            });
        }

        logger.LogInformation("Realtime turn {ItemId}: {AudioMs} ms of input audio committed", itemId, item.AudioMs);
    }

    private async Task<OpenAIError?> ClearAudioAsync()
    {
        _inputAudio.SetLength(0);
        _voiceActivity.Reset();
        await SendAsync("input_audio_buffer.cleared", []);
        return null;
    }

    private async Task<OpenAIError?> CreateItemAsync(JsonObject clientEvent)
    {
        if (clientEvent["item"] is not JsonObject wire)
        {
            return OpenAIError.MissingParameter("item");
        }

        var type = (string?)wire["type"];
        var role = (string?)wire["role"];
        if (type is not ("message" or "function_call" or "function_call_output"))
        {
            return OpenAIError.InvalidValue("item.type", type ?? "", ["message", "function_call", "function_call_output"]);
        }

        if (type == "message" && role is not ("user" or "assistant" or "system"))
        {
            return OpenAIError.InvalidValue("item.role", role ?? "", ["user", "assistant", "system"]);
        }

        var item = (JsonObject)wire.DeepClone();
        var id = (string?)item["id"] ?? WireIds.New("item", 22);
        if (_conversation.Find(id) is not null)
        {
            return RealtimeErrors.Invalid($"Item with id '{id}' already exists.", "item_already_exists", "item.id");
        }

        item["id"] = id;
        item["object"] = "realtime.item";
        item["status"] ??= "completed";
        var text = type == "function_call_output"
            ? (string?)item["output"] ?? ""
            : string.Join(" ", (item["content"] as JsonArray ?? []).Select(part => (string?)part?["text"] ?? (string?)part?["transcript"]).OfType<string>());
        var previous = _conversation.Add(new ConversationItem(id, type == "message" ? role! : "tool", item) { Text = text });
        await SendAsync("conversation.item.added", new JsonObject { ["previous_item_id"] = previous, ["item"] = item.DeepClone() });
        await SendAsync("conversation.item.done", new JsonObject { ["previous_item_id"] = previous, ["item"] = item.DeepClone() });
        return null;
    }

    private async Task<OpenAIError?> RetrieveItemAsync(JsonObject clientEvent)
    {
        var id = (string?)clientEvent["item_id"];
        if (id is null || _conversation.Find(id) is not { } item)
        {
            return ItemNotFound(id, "item_id");
        }

        await SendAsync("conversation.item.retrieved", new JsonObject { ["item"] = item.Wire.DeepClone() });
        return null;
    }

    private async Task<OpenAIError?> DeleteItemAsync(JsonObject clientEvent)
    {
        var id = (string?)clientEvent["item_id"];
        if (id is null || !_conversation.Remove(id))
        {
            return ItemNotFound(id, "item_id");
        }

        await SendAsync("conversation.item.deleted", new JsonObject { ["item_id"] = id });
        return null;
    }

    private async Task<OpenAIError?> TruncateItemAsync(JsonObject clientEvent)
    {
        var id = (string?)clientEvent["item_id"];
        if (clientEvent["audio_end_ms"] is not JsonValue endValue || !endValue.TryGetValue<int>(out var audioEndMs) || audioEndMs < 0)
        {
            return OpenAIError.MissingParameter("audio_end_ms");
        }

        if (id is null || _conversation.Find(id) is not { } item)
        {
            return ItemNotFound(id, "item_id");
        }

        // A cancelled response is still writing this item out (its content, output_item.done, response.done): reading or
        // changing it meanwhile would race with that, so the truncation waits for the response to finish first.
        if (_activeResponse is { } running && !running.Completion.IsCompleted)
        {
            await running.Completion.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (!item.IsAssistantAudio)
        {
            return RealtimeErrors.Invalid($"Item '{id}' is not an assistant message with audio, so it cannot be truncated.", "invalid_value", "item_id");
        }

        if (audioEndMs > item.AudioMs)
        {
            return RealtimeErrors.Invalid(
                $"audio_end_ms ({audioEndMs}) is longer than the item's audio ({item.AudioMs} ms).", "invalid_value", "audio_end_ms");
        }

        // The transcript keeps the share of words that was actually heard.
        var words = TextChunks.Words(item.Text);
        var heard = item.AudioMs == 0 ? 0 : (int)Math.Floor(words.Count * audioEndMs / (double)item.AudioMs);
        item.Text = string.Concat(words.Take(heard));
        item.AudioMs = audioEndMs;
        item.Wire["content"]![0]!["transcript"] = item.Text;
        await SendAsync("conversation.item.truncated", new JsonObject
        {
            ["item_id"] = id,
            ["content_index"] = (int?)clientEvent["content_index"] ?? 0,
            ["audio_end_ms"] = audioEndMs,
        });
        return null;
    }

    private OpenAIError? StartResponse(JsonObject? options)
    {
        lock (_responseGate)
        {
            if (_activeResponse is { } busy)
            {
                return RealtimeErrors.Invalid(
                    $"Conversation already has an active response in progress: {busy.Id}. Wait until the response is finished before creating a new one.",
                    "conversation_already_has_active_response");
            }

            var settings = new ResponseSettings(
                Voice: (string?)options?["audio"]?["output"]?["voice"] ?? config.Voice,
                Speed: (double?)config.Session["audio"]?["output"]?["speed"] ?? 1.0,
                OutputModalities: (options?["output_modalities"] as JsonArray)?.Select(value => (string?)value ?? "").ToList() ?? config.OutputModalities,
                Instructions: (string?)options?["instructions"] ?? config.Instructions,
                InConversation: (string?)options?["conversation"] != "none",
                ConversationId: _conversationId,
                Metadata: options?["metadata"]);

            var active = new ActiveResponse(WireIds.New("resp", 22), _sessionEnding);
            _activeResponse = active;
            var step = scripts.TakeNext(MockEndpoint.RealtimeResponse);
            var responder = createResponder(_conversation);
            active.Completion = Task.Run(async () =>
            {
                try
                {
                    await responder.RunAsync(active, settings, step, () => Finished(active), _sessionEnding);
                }
                catch (Exception exception) when (exception is OperationCanceledException or System.Net.WebSockets.WebSocketException)
                {
                    logger.LogInformation("Realtime response {ResponseId} ended with the connection", active.Id);
                }
                catch (Exception exception)
                {
                    logger.LogError(exception, "Realtime response {ResponseId} failed", active.Id);
                    Finished(active);
                    await SendAsync("error", RealtimeErrors.ServerError("The stand-in could not produce the response: " + exception.Message));
                }
                finally
                {
                    Finished(active);
                }
            });
            return null;
        }
    }

    private OpenAIError? CancelResponse(string? responseId)
    {
        lock (_responseGate)
        {
            if (_activeResponse is not { } active || (responseId is not null && responseId != active.Id))
            {
                return RealtimeErrors.Invalid("Cancellation failed: no active response found", "response_cancel_not_active");
            }
        }

        CancelActive("client_cancelled");
        return null;
    }

    private void CancelActive(string reason)
    {
        lock (_responseGate)
        {
            _activeResponse?.Cancel(reason);
        }
    }

    private void Finished(ActiveResponse response)
    {
        lock (_responseGate)
        {
            if (_activeResponse == response)
            {
                _activeResponse = null;
            }
        }
    }

    private static OpenAIError ItemNotFound(string? id, string param) =>
        RealtimeErrors.Invalid($"Item with item_id '{id}' not found.", "item_not_found", param);

    private Task SendErrorAsync(OpenAIError error, string? clientEventId)
    {
        logger.LogInformation("Realtime client event rejected: {Code}", error.Code);
        return connection.SendAsync("error", new JsonObject { ["error"] = RealtimeErrors.From(error, clientEventId)["error"]!.DeepClone() }, _sessionEnding);
    }

    private Task SendAsync(string type, JsonObject payload) => connection.SendAsync(type, payload, _sessionEnding);
}
