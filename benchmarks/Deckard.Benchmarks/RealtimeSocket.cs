using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Deckard.AppHost.Resources;

namespace Deckard.Benchmarks;

/// <summary>
/// A client's Realtime WebSocket, straight to the OpenAI stand-in or through the Api's proxy, that times
/// <c>input_audio_buffer.clear</c> → <c>input_audio_buffer.cleared</c>: the one client event the server answers at
/// once, with no audio or model work in between.
/// </summary>
internal sealed class RealtimeSocket
{
    private static readonly byte[] Clear = """{"type":"input_audio_buffer.clear"}"""u8.ToArray();
    private readonly ClientWebSocket _socket;
    private byte[] _buffer = new byte[16 * 1024];

    private RealtimeSocket(ClientWebSocket socket) => _socket = socket;

    /// <summary>Straight to the stand-in, as Deckard's proxy itself connects; open once <c>session.created</c> arrives.</summary>
    public static async Task<RealtimeSocket> DirectAsync(Uri standIn, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {OpenAIResourceExtensions.StandInKey}");
        return await OpenAsync(socket, SocketUri(standIn, "/v1/realtime", "model=gpt-realtime"), "session.created", cancellationToken);
    }

    /// <summary>Through the Api, as a browser connects; open once Deckard's own session.update has come back as <c>session.updated</c>.</summary>
    public static Task<RealtimeSocket> ProxiedAsync(Uri api, string apiKey, Guid sessionId, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {apiKey}");
        return OpenAsync(socket, SocketUri(api, $"/api/sessions/{sessionId}/realtime", ""), "session.updated", cancellationToken);
    }

    /// <summary>One round trip in milliseconds: the client event sent, the server's answer received.</summary>
    public async Task<double> RoundTripAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await _socket.SendAsync(Clear, WebSocketMessageType.Text, true, cancellationToken);
        await WaitForAsync("input_audio_buffer.cleared", cancellationToken);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>Hangs up normally and waits for the server's close (the proxy first says the conversation ended); true when it came.</summary>
    public async Task<bool> CloseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            while (_socket.State == WebSocketState.CloseSent)
            {
                await _socket.ReceiveAsync(_buffer, timeout.Token);
            }

            return _socket.State == WebSocketState.Closed;
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The figures are taken; a close that did not finish changes none of them, and the run says so.
            return false;
        }
        finally
        {
            _socket.Dispose();
        }
    }

    private static async Task<RealtimeSocket> OpenAsync(ClientWebSocket socket, Uri uri, string openedBy, CancellationToken cancellationToken)
    {
        try
        {
            await socket.ConnectAsync(uri, cancellationToken);
            var opened = new RealtimeSocket(socket);
            await opened.WaitForAsync(openedBy, cancellationToken);
            return opened;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Uri SocketUri(Uri http, string path, string query) =>
        new UriBuilder(http) { Scheme = http.Scheme == "https" ? "wss" : "ws", Path = path, Query = query }.Uri;

    /// <summary>Reads whole frames until one of <paramref name="type"/>; an error event or a close fails the run loudly.</summary>
    private async Task WaitForAsync(string type, CancellationToken cancellationToken)
    {
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (length == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                received = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
                length += received.Count;
            }
            while (!received.EndOfMessage);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"The server closed the socket waiting for {type}: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
            }

            var seen = TypeOf(_buffer.AsSpan(0, length));
            if (seen == type)
            {
                return;
            }

            if (seen == "error")
            {
                throw new InvalidOperationException($"An error event came waiting for {type}: {Encoding.UTF8.GetString(_buffer, 0, length)}");
            }
        }
    }

    /// <summary>The event's top-level <c>type</c>, read without building a document.</summary>
    private static string? TypeOf(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
            {
                return reader.GetString();
            }

            reader.Skip();
        }

        return null;
    }
}
