using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Deckard.Core.Conversations;
using Deckard.Core.Media;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Conversations;

/// <summary>
/// Turns the server events a conversation relays into stored turns. Each reply is recorded as it streams; it is stored
/// (WAV, both transcripts, <c>turn.completed</c>, its render) once it could have been heard in full (its audio's length
/// after its first byte reached the browser, plus a grace), or at once when the person cut it short and the upstream
/// confirmed the truncation. Replies are stored one after another, in order, off the relay's path.
/// </summary>
public sealed partial class TurnRecorder : IAsyncDisposable
{
    private readonly LiveConversation _conversation;
    private readonly ConversationStore _store;
    private readonly ConversationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<ReplyRecording> _replies = Channel.CreateUnbounded<ReplyRecording>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, ReplyRecording> _byItem = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<string?>> _userTranscripts = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;
    private ReplyRecording? _current;
    private string? _lastUserItem;
    private int _nextTurn;

    public TurnRecorder(LiveConversation conversation, ConversationStore store, IOptions<ConversationOptions> options, TimeProvider time, ILogger logger)
    {
        _conversation = conversation;
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _nextTurn = conversation.NextTurn;
        _writer = Task.Run(WriteTurnsAsync);
    }

    /// <summary>Replies stored so far.</summary>
    public int StoredTurns { get; private set; }

    /// <summary>Tokens the upstream reported in its <c>response.done</c> events on this connection.</summary>
    public (int Input, int Output, int Total) Tokens { get; private set; }

    /// <summary>Called by the relay for each server event, after it was forwarded to the browser.</summary>
    public void Observe(string type, ReadOnlySpan<byte> frame)
    {
        switch (type)
        {
            case "response.output_audio.delta":
                if (_current is { } reply)
                {
                    AppendDelta(reply, frame);
                }

                break;
            case "input_audio_buffer.committed":
                _lastUserItem = ReadDocument(frame, document => document.RootElement.GetProperty("item_id").GetString());
                if (_lastUserItem is not null)
                {
                    lock (_userTranscripts)
                    {
                        _userTranscripts.TryAdd(_lastUserItem, new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));
                    }
                }

                break;
            case "conversation.item.input_audio_transcription.completed":
                var (itemId, transcript) = ReadDocument(frame, document =>
                    (document.RootElement.GetProperty("item_id").GetString(), document.RootElement.GetProperty("transcript").GetString()));
                if (itemId is not null)
                {
                    lock (_userTranscripts)
                    {
                        if (!_userTranscripts.TryGetValue(itemId, out var pending))
                        {
                            _userTranscripts[itemId] = pending = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
                        }

                        pending.TrySetResult(transcript);
                    }
                }

                break;
            case "response.created":
                var responseId = ReadDocument(frame, document => document.RootElement.GetProperty("response").GetProperty("id").GetString());
                _current?.Finished.TrySetResult();
                _current = new ReplyRecording(responseId ?? "", _lastUserItem, Path.GetTempPath());
                _replies.Writer.TryWrite(_current);
                break;
            case "response.output_item.added":
                if (_current is { } added && ReadDocument(frame, document => document.RootElement.GetProperty("item").GetProperty("id").GetString()) is { } id)
                {
                    added.ItemId = id;
                    _byItem[id] = added;
                }

                break;
            case "response.output_audio_transcript.done":
                if (_current is { } spoken)
                {
                    spoken.Transcript = ReadDocument(frame, document => document.RootElement.GetProperty("transcript").GetString());
                }

                break;
            case "response.done":
                var usage = ReadDocument(frame, document => document.RootElement.GetProperty("response").GetProperty("usage") is { ValueKind: JsonValueKind.Object } reported
                    ? (reported.GetProperty("input_tokens").GetInt32(), reported.GetProperty("output_tokens").GetInt32(), reported.GetProperty("total_tokens").GetInt32())
                    : (0, 0, 0));
                Tokens = (Tokens.Input + usage.Item1, Tokens.Output + usage.Item2, Tokens.Total + usage.Item3);
                if (_current is { } done)
                {
                    done.Status = ReadDocument(frame, document => document.RootElement.GetProperty("response").GetProperty("status").GetString());
                    done.Finished.TrySetResult();
                    _current = null;
                }

                break;
            case "conversation.item.truncated":
                var (truncatedItem, heardMs) = ReadDocument(frame, document =>
                    (document.RootElement.GetProperty("item_id").GetString(), document.RootElement.GetProperty("audio_end_ms").GetInt32()));
                if (truncatedItem is not null && _byItem.TryGetValue(truncatedItem, out var cut))
                {
                    cut.Truncate(heardMs);
                }

                break;
        }
    }

    /// <summary>
    /// The conversation's socket is closing: every reply is stored now as it is (one still streaming as incomplete),
    /// and this returns once they all are.
    /// </summary>
    public async Task FlushAsync()
    {
        _closing.TrySetResult();
        _current?.Finished.TrySetResult();
        _replies.Writer.TryComplete();
        await _writer;
    }

    public async ValueTask DisposeAsync()
    {
        await FlushAsync();
        lock (_userTranscripts)
        {
            _userTranscripts.Clear();
        }
    }

    private async Task WriteTurnsAsync()
    {
        await foreach (var reply in _replies.Reader.ReadAllAsync())
        {
            using (reply)
            {
                try
                {
                    await StoreAsync(reply);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogTurnNotStored(_logger, _conversation.SessionId, exception.Message);
                }
            }
        }
    }

    private async Task StoreAsync(ReplyRecording reply)
    {
        await Task.WhenAny(reply.Finished.Task, _closing.Task);
        var complete = reply.Status is not null && reply.Status != "failed";
        if (reply.FirstAudioTimestamp is { } firstAudio && reply.HeardMilliseconds is null && !_closing.Task.IsCompleted)
        {
            // Until the browser could have played it all, a barge-in may still cut it.
            var heardInFull = reply.Duration + _options.PlaybackGrace - _time.GetElapsedTime(firstAudio);
            if (reply.Status == "cancelled" && heardInFull < _options.PlaybackGrace)
            {
                // Cut short (the person spoke over it): the browser's truncate is on its way.
                heardInFull = _options.PlaybackGrace;
            }

            if (heardInFull > TimeSpan.Zero)
            {
                await Task.WhenAny(reply.Truncated.Task, _closing.Task, Task.Delay(heardInFull, _time));
            }
        }

        if (reply.SampleBytes == 0)
        {
            return; // a reply with no audio (cancelled before it spoke) is not a turn
        }

        var user = await UserTranscriptAsync(reply.UserItemId);
        var wav = await reply.CompleteAsync(CancellationToken.None);
        var turn = new CapturedTurn(_nextTurn, user, reply.Transcript, wav, RealtimeWav.Milliseconds(reply.SampleBytes),
            Interrupted: reply.HeardMilliseconds is not null, Complete: complete);
        var render = _conversation.WantsLipsync && !_conversation.LipsyncOnceAtEnd;
        var started = Stopwatch.GetTimestamp();
        if (await AddTurnWithRetriesAsync(turn, render))
        {
            LogTurnStored(_logger, _conversation.SessionId, turn.Number, turn.AudioMs, turn.Interrupted, render, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Core.Telemetry.DeckardMetrics.RecordTurn(TimeSpan.FromMilliseconds(turn.AudioMs), turn.Interrupted);
            _nextTurn++;
            StoredTurns++;
        }
    }

    /// <summary>A database blip must not lose a reply: its WAV stays on disk until it is stored, or the tries run out.</summary>
    private async Task<bool> AddTurnWithRetriesAsync(CapturedTurn turn, bool render)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _store.AddTurnAsync(_conversation, turn, render, CancellationToken.None);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException && attempt < 4)
            {
                LogTurnRetry(_logger, _conversation.SessionId, turn.Number, attempt, exception.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1)), _time);
            }
        }
    }

    private async Task<string?> UserTranscriptAsync(string? itemId)
    {
        if (itemId is null)
        {
            return null;
        }

        TaskCompletionSource<string?>? pending;
        lock (_userTranscripts)
        {
            _userTranscripts.TryGetValue(itemId, out pending);
        }

        if (pending is null)
        {
            return null;
        }

        await Task.WhenAny(pending.Task, Task.Delay(_options.TranscriptWait, _time));
        return pending.Task.IsCompleted ? pending.Task.Result : null;
    }

    /// <summary>
    /// Decodes the <c>delta</c> straight from the frame's bytes (unescaped first when the sender escaped <c>+</c> or
    /// <c>/</c>, as System.Text.Json does), with no string in between.
    /// </summary>
    private void AppendDelta(ReplyRecording reply, ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isDelta = reader.ValueTextEquals("delta"u8);
            reader.Read();
            if (isDelta && reader.TokenType == JsonTokenType.String)
            {
                if (!reader.ValueIsEscaped)
                {
                    reply.AppendBase64(reader.ValueSpan, _time.GetTimestamp());
                    return;
                }

                var unescaped = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                try
                {
                    var length = reader.CopyString(unescaped);
                    reply.AppendBase64(unescaped.AsSpan(0, length), _time.GetTimestamp());
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(unescaped);
                }

                return;
            }

            reader.Skip();
        }
    }

    private static T? ReadDocument<T>(ReadOnlySpan<byte> frame, Func<JsonDocument, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(frame.ToArray());
            return read(document);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return default;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {SessionId}: stored turn {Turn} ({AudioMs} ms of reply audio, interrupted {Interrupted}, render {Render}) in {ElapsedMs:0.0} ms")]
    private static partial void LogTurnStored(ILogger logger, Guid sessionId, int turn, int audioMs, bool interrupted, bool render, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {SessionId}: turn {Turn} could not be stored on attempt {Attempt}, trying again: {Reason}")]
    private static partial void LogTurnRetry(ILogger logger, Guid sessionId, int turn, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Conversation {SessionId}: a turn could not be stored: {Reason}")]
    private static partial void LogTurnNotStored(ILogger logger, Guid sessionId, string reason);
}
