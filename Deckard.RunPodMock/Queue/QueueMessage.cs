using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Queue;

public enum QueueMessageKind
{
    Estimation,
    ProcessStarts,
    ProcessCompleted,
    Heartbeat,
    CloseStream,
    UnexpectedError,
}

/// <summary>
/// One message of Gradio's queue (<c>gradio/server_messages.py</c>), with its fields in pydantic's order:
/// <c>msg</c>, <c>event_id</c>, then the message's own.
/// </summary>
public sealed record QueueMessage(QueueMessageKind Kind, string? EventId, JsonObject Body, bool Success = true)
{
    public static QueueMessage Estimation(string eventId, int rank, int queueSize, double? rankEta) => new(
        QueueMessageKind.Estimation,
        eventId,
        new JsonObject { ["msg"] = "estimation", ["event_id"] = eventId, ["rank"] = rank, ["queue_size"] = queueSize, ["rank_eta"] = rankEta });

    public static QueueMessage ProcessStarts(string eventId, double? eta) => new(
        QueueMessageKind.ProcessStarts,
        eventId,
        new JsonObject { ["msg"] = "process_starts", ["event_id"] = eventId, ["eta"] = eta });

    /// <summary>A finished run: <paramref name="output"/> is <c>{"data": [...], ...}</c> on success, the error payload on failure.</summary>
    public static QueueMessage ProcessCompleted(string eventId, JsonObject output, bool success, string? title) => new(
        QueueMessageKind.ProcessCompleted,
        eventId,
        new JsonObject { ["msg"] = "process_completed", ["event_id"] = eventId, ["output"] = output, ["success"] = success, ["title"] = title },
        success);

    public static QueueMessage Heartbeat() => new(
        QueueMessageKind.Heartbeat, null, new JsonObject { ["msg"] = "heartbeat", ["event_id"] = null });

    public static QueueMessage CloseStream() => new(
        QueueMessageKind.CloseStream, null, new JsonObject { ["msg"] = "close_stream", ["event_id"] = null });

    public static QueueMessage UnexpectedError(string message, bool? sessionNotFound)
    {
        var body = new JsonObject { ["msg"] = "unexpected_error", ["event_id"] = null, ["message"] = message };
        if (sessionNotFound is { } notFound)
        {
            body["session_not_found"] = notFound;
        }

        body["success"] = false;
        return new QueueMessage(QueueMessageKind.UnexpectedError, null, body, Success: false);
    }

    public JsonObject Output => (JsonObject)Body["output"]!;
}
