using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>
/// A browser's side of a conversation: a WebSocket to <c>/api/sessions/{id}/realtime</c> that streams PCM16 24 kHz
/// speech in real-time-sized chunks and records every server event it receives, with the assistant audio it carried.
/// </summary>
public sealed class RealtimeTestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _received = [];
    private readonly Task _reader;

    private RealtimeTestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = ReadAsync();
    }

    public IReadOnlyList<JsonElement> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Why reading stopped without a close frame, if it did.</summary>
    public Exception? ReadError { get; private set; }

    public string? CloseDescription => _socket.CloseStatusDescription;

    public static Uri SocketUri(Uri api, Guid sessionId) =>
        new UriBuilder(api) { Scheme = api.Scheme == "https" ? "wss" : "ws", Path = $"/api/sessions/{sessionId}/realtime" }.Uri;

    /// <summary>Connects as a browser does: a single-use ticket from an authenticated call, then the socket with <c>?ticket=</c>.</summary>
    public static async Task<RealtimeTestClient> ConnectAsync(HttpClient api, Guid sessionId)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(await TicketUriAsync(api, sessionId), CancellationToken.None);
        return new RealtimeTestClient(socket);
    }

    /// <summary>The socket's URL with a fresh ticket in it.</summary>
    public static async Task<Uri> TicketUriAsync(HttpClient api, Guid sessionId)
    {
        using var response = await api.PostAsync(new Uri($"/api/sessions/{sessionId}/tickets", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        using var ticket = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var url = ticket.RootElement.GetProperty("realtime").GetString()!;
        return new UriBuilder(api.BaseAddress!) { Scheme = api.BaseAddress!.Scheme == "https" ? "wss" : "ws", Path = url[..url.IndexOf('?', StringComparison.Ordinal)], Query = url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..] }.Uri;
    }

    /// <summary>
    /// Tries to connect with the client's own Authorization header (as a server-side client may) and returns the HTTP
    /// status the handshake was refused with (or 101), and the refusal's problem+json.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> TryConnectAsync(HttpClient api, Guid sessionId)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (api.DefaultRequestHeaders.Authorization is { } authorization)
        {
            socket.Options.SetRequestHeader("Authorization", authorization.ToString());
        }

        try
        {
            await socket.ConnectAsync(SocketUri(api.BaseAddress!, sessionId), CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            return (socket.HttpStatusCode, "");
        }
        catch (WebSocketException)
        {
            // The same request without the upgrade carries the same refusal, readable as problem+json.
            using var response = await api.GetAsync(new Uri($"/api/sessions/{sessionId}/realtime", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            return (socket.HttpStatusCode, body);
        }
    }

    public Task SendAsync(JsonObject clientEvent) => SendRawAsync(Encoding.UTF8.GetBytes(clientEvent.ToJsonString()));

    public Task SendRawAsync(byte[] frame) => _socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Streams PCM in 100 ms appends at the pace of speech, then <paramref name="silenceMs"/> of silence so server VAD ends the turn.</summary>
    public async Task SpeakAsync(byte[] pcm, int silenceMs = 800, CancellationToken cancellationToken = default)
    {
        const int Chunk = 4800; // 100 ms of PCM16 at 24 kHz
        var all = new byte[pcm.Length + silenceMs * 48];
        pcm.CopyTo(all, 0);
        for (var offset = 0; offset < all.Length; offset += Chunk)
        {
            var length = Math.Min(Chunk, all.Length - offset);
            await SendAsync(new JsonObject { ["type"] = "input_audio_buffer.append", ["audio"] = Convert.ToBase64String(all, offset, length) });
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The next received event of <paramref name="type"/> (that <paramref name="matches"/>), within the deadline.</summary>
    public async Task<JsonElement> WaitForAsync(string type, Func<JsonElement, bool>? matches = null, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(timeout.Token);
                if (next.GetProperty("type").GetString() == type && (matches?.Invoke(next) ?? true))
                {
                    return next;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"No '{type}' event arrived; received: {string.Join(", ", Received.Select(e => e.GetProperty("type").GetString()))}" +
                                       $" (socket {_socket.State}, close {CloseStatus} {CloseDescription})");
        }
    }

    /// <summary>Milliseconds of assistant audio relayed for <paramref name="responseId"/> so far.</summary>
    public int AudioMilliseconds(string responseId) => Received
        .Where(e => e.GetProperty("type").GetString() == "response.output_audio.delta" && e.GetProperty("response_id").GetString() == responseId)
        .Sum(e => Convert.FromBase64String(e.GetProperty("delta").GetString()!).Length) / 48;

    /// <summary>Waits until the server closes the socket; true when it did within the deadline.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan deadline) => await Task.WhenAny(_reader, Task.Delay(deadline)) == _reader;

    /// <summary>Drops the connection without a close handshake, as a browser tab that crashed or lost its network.</summary>
    public void Abort() => _socket.Abort();

    public async Task HangUpAsync()
    {
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await WaitForCloseAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
        }

        await WaitForCloseAsync(TimeSpan.FromSeconds(5));
        _socket.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length).ToArraySegment(), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                using var document = JsonDocument.Parse(buffer.AsMemory(0, length)); // a frame that is not JSON fails the test loudly
                var element = document.RootElement.Clone();
                lock (_received)
                {
                    _received.Add(element);
                }

                await _events.Writer.WriteAsync(element);
            }
        }
        catch (Exception exception)
        {
            // The server dropped the connection (CloseStatus stays null), or sent something that is not an event.
            ReadError = exception;
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}

internal static class MemoryExtensions
{
    public static ArraySegment<byte> ToArraySegment(this Memory<byte> memory) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(memory, out var segment) ? segment : throw new InvalidOperationException();
}
