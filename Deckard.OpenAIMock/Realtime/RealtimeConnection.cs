using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Realtime;

/// <summary>A message a client sent: its text, or null when it was a binary frame.</summary>
public sealed record ClientMessage(string? Text);

/// <summary>
/// The socket side of a realtime session: one JSON event per text frame, every server event stamped with
/// <c>type</c> and <c>event_id</c>, sends serialised, and the scripted break after N server events.
/// </summary>
public sealed class RealtimeConnection(WebSocket socket, int? breakAfterEvents, bool breakWithErrorEvent, Func<Task> dropConnection)
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private int _sent;

    /// <summary>Set when the script broke the connection: nothing more is sent.</summary>
    public bool Broken { get; private set; }

    public async Task SendAsync(string type, JsonObject payload, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            if (Broken)
            {
                return;
            }

            if (_sent == breakAfterEvents)
            {
                await BreakAsync(cancellationToken);
                return;
            }

            var message = new JsonObject { ["type"] = type, ["event_id"] = WireIds.New("event", 22) };
            foreach (var (name, value) in payload)
            {
                message[name] = value?.DeepClone();
            }

            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
            _sent++;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>The next whole message, or null when the client closed the socket.</summary>
    public async Task<ClientMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                if (message.Length + result.Count > MaxMessageBytes)
                {
                    throw new WebSocketException(WebSocketError.Faulted, "Client message too large.");
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return result.MessageType == WebSocketMessageType.Text
                        ? new ClientMessage(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length))
                        : new ClientMessage(null);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
        }
    }

    private async Task BreakAsync(CancellationToken cancellationToken)
    {
        Broken = true;
        if (breakWithErrorEvent)
        {
            var error = RealtimeErrors.ServerError("The server had an error while processing your request.");
            error["event_id"] = WireIds.New("event", 22);
            await socket.SendAsync(Encoding.UTF8.GetBytes(error.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
            await socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, "scripted break", cancellationToken);
        }
        else
        {
            await dropConnection();
        }
    }
}
