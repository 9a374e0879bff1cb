using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.RateLimiting;
using Deckard.Core.Conversations;
using Deckard.Core.Steps;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace Deckard.Api.Conversations;

/// <summary>
/// One browser socket relayed to one upstream Realtime session. Client events go up and server events come down as
/// the frames they arrived in, over the socket the SDK opened and authenticated (its <c>SendCommandAsync</c> and
/// <c>ReceiveUpdatesAsync</c> wrap each message in objects the relay does not need); the proxy reads only their
/// type (and a few fields of the events it captures). It ends
/// on a hang-up (the browser closes normally), the idle timeout, the maximum duration, a policy violation, or either
/// side dropping, and always closes the other side.
/// </summary>
public sealed partial class ConversationRelay
{
    /// <summary>The event Deckard adds to the server's stream when it ends a conversation itself.</summary>
    public const string EndedEvent = "deckard.conversation.ended";

    private readonly WebSocket _browser;
    private readonly RealtimeSessionClient _upstream;
    private readonly LiveConversation _conversation;
    private readonly ConversationStore _store;
    private readonly ClientEventPolicy _policy;
    private readonly TurnRecorder _recorder;
    private readonly ConversationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _toBrowser = new(1, 1);
    private readonly SemaphoreSlim _toUpstream = new(1, 1);
    private readonly TokenBucketRateLimiter _rate;
    private readonly string _model;
    private long _lastActivity;
    private int _errorEvents;

    public ConversationRelay(
        WebSocket browser, RealtimeSessionClient upstream, string model, LiveConversation conversation, ConversationStore store,
        ClientEventPolicy policy, TurnRecorder recorder, IOptions<ConversationOptions> options, TimeProvider time, ILogger logger)
    {
        _model = model;
        _browser = browser;
        _upstream = upstream;
        _conversation = conversation;
        _store = store;
        _policy = policy;
        _recorder = recorder;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.EventBurst,
            TokensPerPeriod = _options.EventsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        _lastActivity = time.GetTimestamp();
    }

    /// <summary>Relays until the conversation or the connection ends; returns why, and whether the conversation is over.</summary>
    public async Task<RelayEnd> RunAsync(CancellationToken cancellationToken)
    {
        // The browser's receive is never cancelled (that would abort its socket before it hears why): it ends when the
        // browser answers our close, or when the request is aborted.
        using var stopServer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clientPump = PumpClientAsync(cancellationToken);
        var serverPump = PumpServerAsync(stopServer.Token);
        var clock = WatchClockAsync(stopServer.Token);
        var first = await Task.WhenAny(clientPump, serverPump, clock);
        RelayEnd end;
        try
        {
            end = await first;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            end = RelayEnd.ServerStopping();
        }
        catch (Exception exception) when (first == serverPump)
        {
            end = RelayEnd.UpstreamLost($"The OpenAI Realtime connection was lost: {exception.Message}");
        }
        catch (Exception exception) when (first == clientPump)
        {
            end = RelayEnd.BrowserLeft($"The browser's connection failed: {exception.Message}");
        }

        await CloseUpstreamAsync();
        await stopServer.CancelAsync();
        await Task.WhenAll(Quietly(serverPump), Quietly(clock));

        // Whatever was captured (and what it cost) is stored, and the conversation ended, before the browser hears the end.
        await _recorder.FlushAsync();
        if (_recorder.Tokens.Total > 0)
        {
            var (input, output, total) = _recorder.Tokens;
            await _store.AddUsageAsync(_conversation.SessionId, new ModelUsage(_model, input, output, total), CancellationToken.None);
            Core.Telemetry.DeckardMetrics.RecordTokens("realtime", new ModelUsage(_model, input, output, total));
        }

        if (end.Reason is { } reason && end.ClosesConversation)
        {
            await _store.EndAsync(_conversation, reason, CancellationToken.None);
            await SendEndedAsync(reason);
        }

        await CloseBrowserAsync(end.CloseStatus, end.Description);
        var browserDone = Quietly(clientPump);
        if (await Task.WhenAny(browserDone, Task.Delay(TimeSpan.FromSeconds(5), _time)) != browserDone)
        {
            _browser.Abort();
        }

        await browserDone;
        _rate.Dispose();
        return end;
    }

    /// <summary>Browser → upstream: whole frames up to the limit, checked against the policy and the rate, sent as they came.</summary>
    private async Task<RelayEnd> PumpClientAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_options.MaxFrameBytes, 64 * 1024));
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == Math.Min(buffer.Length, _options.MaxFrameBytes))
                    {
                        if (length >= _options.MaxFrameBytes)
                        {
                            return RelayEnd.Policy($"A client frame was larger than {_options.MaxFrameBytes} bytes.");
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxFrameBytes));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    received = await _browser.ReceiveAsync(buffer.AsMemory(length, Math.Min(buffer.Length, _options.MaxFrameBytes) - length), cancellationToken);
                    length += received.Count;
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return _browser.CloseStatus == WebSocketCloseStatus.NormalClosure
                        ? RelayEnd.HangUp()
                        : RelayEnd.BrowserLeft($"The browser closed the socket ({_browser.CloseStatus}).");
                }

                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    await SendErrorAsync(new ClientEventRefusal("binary_not_supported", "Send each event as a JSON text frame.", null), null, cancellationToken);
                    continue;
                }

                var frame = buffer.AsMemory(0, length);
                var header = FrameHeader.Read(frame.Span);
                if (_policy.Check(frame.Span, header) is { } refusal)
                {
                    LogRefused(_logger, _conversation.SessionId, header.Type ?? "(none)", refusal.Code);
                    await SendErrorAsync(refusal, header.EventId, cancellationToken);
                    continue;
                }

                using var lease = _rate.AttemptAcquire();
                if (!lease.IsAcquired)
                {
                    await SendErrorAsync(new ClientEventRefusal("rate_limit_exceeded",
                        $"More than {_options.EventsPerSecond} events per second (burst {_options.EventBurst}); this event was dropped.", null),
                        header.EventId, cancellationToken);
                    continue;
                }

                if (header.Type != "input_audio_buffer.append")
                {
                    Touch();
                }

                await _toUpstream.WaitAsync(cancellationToken);
                try
                {
                    await _upstream.WebSocket.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken);
                }
                finally
                {
                    _toUpstream.Release();
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException)
        {
            return RelayEnd.BrowserLeft($"The browser's connection dropped: {exception.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Upstream → browser: each server event forwarded as it arrived, then shown to the recorder. It reads the SDK
    /// session's own socket (the SDK opened and authenticated it) into one reused buffer: the SDK's
    /// <c>ReceiveUpdatesAsync</c> wraps every message in a response object first.
    /// </summary>
    private async Task<RelayEnd> PumpServerAsync(CancellationToken cancellationToken)
    {
        var socket = _upstream.WebSocket;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += received.Count;
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return RelayEnd.UpstreamLost($"The OpenAI Realtime session was closed ({socket.CloseStatus}: {socket.CloseStatusDescription}).");
                }

                var frame = buffer.AsMemory(0, length);
                var type = FrameHeader.Read(frame.Span).Type;
                if (type is null)
                {
                    LogNotAnEvent(_logger, _conversation.SessionId, frame.Length);
                    continue;
                }

                await _toBrowser.WaitAsync(cancellationToken);
                try
                {
                    await _browser.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken);
                }
                finally
                {
                    _toBrowser.Release();
                }

                // The upstream speaks only when something happens (speech detected, a reply streaming): never idle then.
                Touch();
                _recorder.Observe(type, frame.Span);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A browser send that failed is the browser's end, not the upstream's.
            if (_browser.State != WebSocketState.Open && _browser.State != WebSocketState.CloseSent)
            {
                return RelayEnd.BrowserLeft($"The browser's connection dropped: {exception.Message}");
            }

            return RelayEnd.UpstreamLost($"The OpenAI Realtime connection was lost: {exception.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Keeps the conversation marked attended, and ends it when it idles or reaches its maximum duration.</summary>
    private async Task<RelayEnd> WatchClockAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var tick = TimeSpan.FromTicks(Math.Min(_options.Heartbeat.Ticks, Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _options.IdleTimeout.Ticks / 4)));
        var lastTouch = started;
        while (true)
        {
            await Task.Delay(tick, _time, cancellationToken);
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(started, now) >= _options.MaxDuration)
            {
                return RelayEnd.Over(ConversationEndReasons.MaxDuration, "The conversation reached its maximum duration.");
            }

            if (_time.GetElapsedTime(Interlocked.Read(ref _lastActivity), now) >= _options.IdleTimeout)
            {
                return RelayEnd.Over(ConversationEndReasons.Idle, "Nobody spoke for the idle timeout.");
            }

            if (_time.GetElapsedTime(lastTouch, now) >= _options.Heartbeat)
            {
                lastTouch = now;
                bool live;
                try
                {
                    live = await _store.TouchAsync(_conversation.SessionId, cancellationToken);
                }
                catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
                {
                    // A database blip must not end a conversation: the next heartbeat tries again.
                    LogHeartbeatFailed(_logger, _conversation.SessionId, exception.Message);
                    continue;
                }

                if (!live)
                {
                    return RelayEnd.EndedElsewhere();
                }
            }
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());

    private async Task SendErrorAsync(ClientEventRefusal refusal, string? clientEventId, CancellationToken cancellationToken)
    {
        var error = new
        {
            type = "error",
            event_id = $"event_deckard_{Interlocked.Increment(ref _errorEvents)}",
            error = new { type = "invalid_request_error", code = refusal.Code, message = refusal.Message, param = refusal.Param, event_id = clientEventId },
        };
        await SendToBrowserAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(error), cancellationToken);
    }

    private async Task SendEndedAsync(string reason)
    {
        var ended = new { type = EndedEvent, event_id = "event_deckard_ended", reason, turns = _recorder.StoredTurns };
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await SendToBrowserAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ended), timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            // The browser is gone already: the session's events say the same.
        }
    }

    private async Task SendToBrowserAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_browser.State != WebSocketState.Open)
        {
            return;
        }

        await _toBrowser.WaitAsync(cancellationToken);
        try
        {
            await _browser.SendAsync(frame, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _toBrowser.Release();
        }
    }

    private async Task CloseBrowserAsync(WebSocketCloseStatus status, string description)
    {
        if (_browser.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            // A close reason is at most 123 bytes of UTF-8.
            var reason = Encoding.UTF8.GetByteCount(description) > 123 ? description[..Math.Min(description.Length, 120)] : description;
            await _browser.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            _browser.Abort();
        }
    }

    private async Task CloseUpstreamAsync()
    {
        try
        {
            if (_upstream.WebSocket is { State: WebSocketState.Open or WebSocketState.CloseReceived } socket)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            // It is being disposed anyway.
        }
        finally
        {
            _upstream.Dispose();
        }
    }

    private static async Task Quietly(Task<RelayEnd> pump)
    {
        try
        {
            await pump;
        }
        catch (Exception)
        {
            // The relay is ending; the first side to end said why.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {SessionId}: its heartbeat could not be stored: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, Guid sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {SessionId}: the upstream sent {Bytes} bytes that are not an event; not relayed")]
    private static partial void LogNotAnEvent(ILogger logger, Guid sessionId, int bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {SessionId}: refused a client event of type {Type} ({Code})")]
    private static partial void LogRefused(ILogger logger, Guid sessionId, string type, string code);
}

/// <summary>Why a relay ended: the close the browser gets, and whether the conversation itself is over.</summary>
public sealed record RelayEnd(string? Reason, bool ClosesConversation, WebSocketCloseStatus CloseStatus, string Description)
{
    public static RelayEnd HangUp() => new(ConversationEndReasons.HangUp, true, WebSocketCloseStatus.NormalClosure, "Hung up.");

    public static RelayEnd Over(string reason, string description) => new(reason, true, WebSocketCloseStatus.NormalClosure, description);

    /// <summary>The browser may reconnect until the idle timeout; what was captured is kept.</summary>
    public static RelayEnd BrowserLeft(string description) => new(null, false, WebSocketCloseStatus.NormalClosure, description);

    public static RelayEnd UpstreamLost(string description) => new(null, false, WebSocketCloseStatus.InternalServerError, description);

    public static RelayEnd Policy(string description) => new(null, false, WebSocketCloseStatus.PolicyViolation, description);

    /// <summary>The session was cancelled (or its conversation ended by another process) while the socket was open.</summary>
    public static RelayEnd EndedElsewhere() => new(null, false, WebSocketCloseStatus.NormalClosure, "The session is no longer live (cancelled or ended).");

    /// <summary>The Api is shutting down: the browser may reconnect to another instance.</summary>
    public static RelayEnd ServerStopping() => new(null, false, WebSocketCloseStatus.EndpointUnavailable, "The server is restarting; reconnect.");
}
