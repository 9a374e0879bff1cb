using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Configuration;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Speech;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Realtime;

/// <summary>A response in flight: cancelled by <c>response.cancel</c> or by the user speaking over it.</summary>
public sealed class ActiveResponse(string id, CancellationToken sessionEnding)
{
    public string Id { get; } = id;

    public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(sessionEnding);

    public string CancelReason { get; private set; } = "client_cancelled";

    public Task Completion { get; set; } = Task.CompletedTask;

    public void Cancel(string reason)
    {
        CancelReason = reason;
        Cancellation.Cancel();
    }
}

/// <summary>What <c>response.create</c> asked for, resolved against the session.</summary>
public sealed record ResponseSettings(
    string Voice,
    double Speed,
    IReadOnlyList<string> OutputModalities,
    string Instructions,
    bool InConversation,
    string ConversationId,
    JsonNode? Metadata);

/// <summary>
/// Produces one realtime response: the reply text (scripted, else <see cref="DefaultReply"/>), spoken by espeak-ng as
/// PCM16 24 kHz and streamed in <see cref="RealtimeMockOptions.AudioChunkMilliseconds"/> chunks at
/// <see cref="RealtimeMockOptions.PlaybackRate"/>, with the transcript streamed alongside, in the GA event order.
/// </summary>
public sealed class RealtimeResponder(
    RealtimeConnection connection,
    RealtimeConversation conversation,
    SpeechSynthesizer synthesizer,
    RealtimeMockOptions pacing,
    TimeProvider clock)
{
    private const int BytesPerMs = SpeechSynthesizer.SampleRate * 2 / 1000;

    /// <summary>The default reply: it repeats what it heard, so a conversation shows the round trip.</summary>
    public static string DefaultReply(string? lastUserText) =>
        lastUserText is null ? "Hello! How can I help you today?" : $"I heard you say: {lastUserText.Trim()}";

    public async Task RunAsync(ActiveResponse active, ResponseSettings settings, ScriptStep? step, Action finished, CancellationToken sessionEnding)
    {
        var token = active.Cancellation.Token;
        var progress = new Progress(active.Id, settings);
        await connection.SendAsync("response.created", new JsonObject { ["response"] = progress.Response("in_progress", null) }, sessionEnding);
        try
        {
            if (step?.LatencyMs is > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(step.LatencyMs.Value), clock, token);
            }

            if (step?.Fail is { } failure)
            {
                var error = ScriptedCalls.ErrorFor(failure);
                finished();
                await connection.SendAsync("response.done", new JsonObject
                {
                    ["response"] = progress.Response("failed", new JsonObject
                    {
                        ["type"] = "failed",
                        ["error"] = new JsonObject { ["type"] = error.Type, ["code"] = error.Code ?? "server_error", ["message"] = error.Message },
                    }),
                }, sessionEnding);
                return;
            }

            var text = step?.Text ?? DefaultReply(conversation.LastUserText());
            var speaks = settings.OutputModalities.Contains("audio");
            var audio = speaks
                ? await synthesizer.SynthesizeAsync(text, settings.Voice, settings.Speed, SpeechFormat.Pcm, token)
                : [];

            await StartItemAsync(progress, speaks, sessionEnding);
            await StreamAsync(progress, text, audio, speaks, token);
            await FinishItemAsync(progress, speaks, "completed", sessionEnding);
            finished();
            await SendDoneAsync(progress, "completed", null, sessionEnding);
        }
        catch (OperationCanceledException) when (active.Cancellation.IsCancellationRequested && !sessionEnding.IsCancellationRequested)
        {
            if (progress.Item is not null)
            {
                await FinishItemAsync(progress, settings.OutputModalities.Contains("audio"), "incomplete", sessionEnding);
            }

            finished();
            await SendDoneAsync(progress, "cancelled", new JsonObject { ["type"] = "cancelled", ["reason"] = active.CancelReason }, sessionEnding);
        }
    }

    private async Task StartItemAsync(Progress progress, bool speaks, CancellationToken sessionEnding)
    {
        var itemId = WireIds.New("item", 22);
        progress.Item = new ConversationItem(itemId, "assistant", new JsonObject
        {
            ["id"] = itemId,
            ["type"] = "message",
            ["object"] = "realtime.item",
            ["status"] = "in_progress",
            ["role"] = "assistant",
            ["content"] = new JsonArray(),
        });

        await connection.SendAsync("response.output_item.added",
            new JsonObject { ["response_id"] = progress.ResponseId, ["output_index"] = 0, ["item"] = progress.Item.Wire.DeepClone() }, sessionEnding);
        if (progress.Settings.InConversation)
        {
            progress.PreviousItemId = conversation.Add(progress.Item);
            await connection.SendAsync("conversation.item.added",
                new JsonObject { ["previous_item_id"] = progress.PreviousItemId, ["item"] = progress.Item.Wire.DeepClone() }, sessionEnding);
        }

        await connection.SendAsync("response.content_part.added", progress.Location(("part", Part(speaks, ""))), sessionEnding);
    }

    private async Task StreamAsync(Progress progress, string text, byte[] audio, bool speaks, CancellationToken token)
    {
        var words = TextChunks.Words(text);
        if (!speaks)
        {
            foreach (var word in words)
            {
                await connection.SendAsync("response.output_text.delta", progress.Location(("delta", word)), token);
                progress.Said += word;
            }

            return;
        }

        var chunkBytes = pacing.AudioChunkMilliseconds * BytesPerMs;
        var chunks = Math.Max(1, (audio.Length + chunkBytes - 1) / chunkBytes);
        var started = clock.GetTimestamp();
        var wordsSent = 0;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            // The transcript runs just ahead of the audio it describes.
            var wordsDue = (int)Math.Ceiling(words.Count * (chunk + 1) / (double)chunks);
            for (; wordsSent < wordsDue; wordsSent++)
            {
                await connection.SendAsync("response.output_audio_transcript.delta", progress.Location(("delta", words[wordsSent])), token);
                progress.Said += words[wordsSent];
            }

            var offset = chunk * chunkBytes;
            var length = Math.Min(chunkBytes, audio.Length - offset);
            if (length > 0)
            {
                await connection.SendAsync("response.output_audio.delta",
                    progress.Location(("delta", Convert.ToBase64String(audio, offset, length))), token);
                progress.Item!.AudioMs += length / BytesPerMs;
            }

            if (pacing.PlaybackRate > 0)
            {
                var due = TimeSpan.FromMilliseconds(progress.Item!.AudioMs / pacing.PlaybackRate);
                var wait = due - clock.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, token);
                }
            }
        }
    }

    private async Task FinishItemAsync(Progress progress, bool speaks, string status, CancellationToken sessionEnding)
    {
        var item = progress.Item!;
        item.Text = progress.Said;
        if (speaks)
        {
            await connection.SendAsync("response.output_audio.done", progress.Location(), sessionEnding);
            await connection.SendAsync("response.output_audio_transcript.done", progress.Location(("transcript", progress.Said)), sessionEnding);
        }
        else
        {
            await connection.SendAsync("response.output_text.done", progress.Location(("text", progress.Said)), sessionEnding);
        }

        await connection.SendAsync("response.content_part.done", progress.Location(("part", Part(speaks, progress.Said))), sessionEnding);

        item.Wire["status"] = status;
        item.Wire["content"] = new JsonArray(speaks
            ? new JsonObject { ["type"] = "output_audio", ["transcript"] = progress.Said }
            : new JsonObject { ["type"] = "output_text", ["text"] = progress.Said });
        await connection.SendAsync("response.output_item.done",
            new JsonObject { ["response_id"] = progress.ResponseId, ["output_index"] = 0, ["item"] = item.Wire.DeepClone() }, sessionEnding);
        if (progress.Settings.InConversation)
        {
            await connection.SendAsync("conversation.item.done",
                new JsonObject { ["previous_item_id"] = progress.PreviousItemId, ["item"] = item.Wire.DeepClone() }, sessionEnding);
        }
    }

    private async Task SendDoneAsync(Progress progress, string status, JsonObject? statusDetails, CancellationToken sessionEnding)
    {
        await connection.SendAsync("response.done", new JsonObject { ["response"] = progress.Response(status, statusDetails, Usage(progress)) }, sessionEnding);
        await connection.SendAsync("rate_limits.updated", new JsonObject
        {
            ["rate_limits"] = new JsonArray(
                new JsonObject { ["name"] = "requests", ["limit"] = 5000, ["remaining"] = 4999, ["reset_seconds"] = 0.012 },
                new JsonObject { ["name"] = "tokens", ["limit"] = 400000, ["remaining"] = 395000, ["reset_seconds"] = 0.75 }),
        }, sessionEnding);
    }

    private JsonObject Usage(Progress progress)
    {
        var (conversationText, userAudioMs) = conversation.UsageInput();
        var inputText = TokenEstimator.ForText(progress.Settings.Instructions + conversationText);
        var inputAudio = TokenEstimator.ForAudio(TimeSpan.FromMilliseconds(userAudioMs));
        var outputText = TokenEstimator.ForText(progress.Said);
        var outputAudio = TokenEstimator.ForAudio(TimeSpan.FromMilliseconds(progress.Item?.AudioMs ?? 0));
        return new JsonObject
        {
            ["total_tokens"] = inputText + inputAudio + outputText + outputAudio,
            ["input_tokens"] = inputText + inputAudio,
            ["output_tokens"] = outputText + outputAudio,
            ["input_token_details"] = new JsonObject
            {
                ["text_tokens"] = inputText,
                ["audio_tokens"] = inputAudio,
                ["image_tokens"] = 0,
                ["cached_tokens"] = 0,
                ["cached_tokens_details"] = new JsonObject { ["text_tokens"] = 0, ["audio_tokens"] = 0, ["image_tokens"] = 0 },
            },
            ["output_token_details"] = new JsonObject { ["text_tokens"] = outputText, ["audio_tokens"] = outputAudio },
        };
    }

    private static JsonObject Part(bool speaks, string said) => speaks
        ? new JsonObject { ["type"] = "audio", ["transcript"] = said }
        : new JsonObject { ["type"] = "text", ["text"] = said };

    /// <summary>What has been produced so far: enough to finish the response cleanly at any point.</summary>
    private sealed class Progress(string responseId, ResponseSettings settings)
    {
        public string ResponseId { get; } = responseId;

        public ResponseSettings Settings { get; } = settings;

        public ConversationItem? Item { get; set; }

        public string? PreviousItemId { get; set; }

        public string Said { get; set; } = "";

        public JsonObject Location(params (string Name, JsonNode? Value)[] extra)
        {
            var payload = new JsonObject
            {
                ["response_id"] = ResponseId,
                ["item_id"] = Item?.Id,
                ["output_index"] = 0,
                ["content_index"] = 0,
            };
            foreach (var (name, value) in extra)
            {
                payload[name] = value?.DeepClone();
            }

            return payload;
        }

        public JsonObject Response(string status, JsonObject? statusDetails, JsonObject? usage = null) => new()
        {
            ["object"] = "realtime.response",
            ["id"] = ResponseId,
            ["status"] = status,
            ["status_details"] = statusDetails,
            ["output"] = Item is null || status == "in_progress" ? new JsonArray() : new JsonArray(Item.Wire.DeepClone()),
            ["conversation_id"] = Settings.InConversation ? Settings.ConversationId : null,
            ["output_modalities"] = new JsonArray([.. Settings.OutputModalities.Select(modality => (JsonNode)JsonValue.Create(modality)!)]),
            ["max_output_tokens"] = "inf",
            ["audio"] = new JsonObject
            {
                ["output"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 }, ["voice"] = Settings.Voice },
            },
            ["usage"] = usage,
            ["metadata"] = Settings.Metadata?.DeepClone(),
        };
    }
}
